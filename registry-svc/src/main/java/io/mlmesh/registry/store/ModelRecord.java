package io.mlmesh.registry.store;

import java.time.Instant;
import java.util.Map;

/**
 * A stored model.
 *
 * @param aliases alias name to version number
 * @param latestVersion highest version number, 0 while the model has none
 */
public record ModelRecord(
    String name,
    String description,
    Map<String, String> tags,
    Instant createdAt,
    Map<String, Long> aliases,
    long latestVersion) {}
