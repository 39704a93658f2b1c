package io.mlmesh.registry.backup;

/**
 * What a backup or a restore covered.
 *
 * @param revision the registry revision of the backup
 * @param modelCount models
 * @param versionCount versions
 * @param artifactCount distinct artifact files
 * @param artifactBytes their total size
 */
public record BackupSummary(long revision, long modelCount, long versionCount,
    long artifactCount, long artifactBytes) {}
