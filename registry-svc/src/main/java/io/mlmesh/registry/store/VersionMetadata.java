package io.mlmesh.registry.store;

import java.util.Map;

/**
 * What a client says about a version besides its artifact; stored as one JSON document.
 *
 * @param params training parameters
 * @param metrics evaluation metrics
 * @param tags free labels
 * @param description free text
 * @param lineage the run and inputs that produced the version
 */
public record VersionMetadata(
    Map<String, String> params,
    Map<String, Double> metrics,
    Map<String, String> tags,
    String description,
    Lineage lineage) {}
