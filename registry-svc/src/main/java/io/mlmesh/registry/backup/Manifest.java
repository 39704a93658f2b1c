package io.mlmesh.registry.backup;

import java.time.Instant;
import java.util.List;

/**
 * {@code manifest.json}: what a complete backup holds, with digests to verify it.
 *
 * @param formatVersion layout version of the backup, {@value #FORMAT_VERSION}
 * @param revision the registry revision the metadata reflects
 * @param createdAt when the backup was written
 * @param metadataSha256 SHA-256 of {@code metadata.json}
 * @param artifacts every artifact file under {@code artifacts/}
 */
record Manifest(int formatVersion, long revision, Instant createdAt, String metadataSha256,
    List<Entry> artifacts) {

  static final int FORMAT_VERSION = 1;

  /** One artifact file, named by its digest. */
  record Entry(String sha256, long sizeBytes) {}
}
