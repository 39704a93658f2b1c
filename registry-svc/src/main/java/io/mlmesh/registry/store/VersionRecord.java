package io.mlmesh.registry.store;

import java.time.Instant;
import java.util.List;

/**
 * A stored, visible model version.
 *
 * @param aliases aliases pointing at this version, sorted
 */
public record VersionRecord(
    String model,
    long version,
    Artifact artifact,
    VersionMetadata metadata,
    List<String> aliases,
    Instant createdAt) {}
