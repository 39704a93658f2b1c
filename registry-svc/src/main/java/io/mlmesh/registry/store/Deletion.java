package io.mlmesh.registry.store;

import java.util.Set;

/**
 * What a committed delete removed from the metadata.
 *
 * @param versionCount versions deleted
 * @param artifactSha256s digests of their artifacts, which may now be unreferenced
 */
public record Deletion(long versionCount, Set<String> artifactSha256s) {}
