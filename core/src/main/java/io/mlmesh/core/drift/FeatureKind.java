package io.mlmesh.core.drift;

/** How a feature's values are compared: as numbers or as categories. */
public enum FeatureKind {
    NUMERIC,
    CATEGORICAL
}
