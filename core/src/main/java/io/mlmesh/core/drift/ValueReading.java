package io.mlmesh.core.drift;

/**
 * How one column's values become drift-test values, the same way for the training rows a
 * reference is profiled from and for the served values a window collects.
 */
public enum ValueReading {
    /** Numbers as they are; NaN is missing. */
    NUMBER(FeatureKind.NUMERIC),
    /** A boolean sent as a number: 0 is the category false, anything else true; NaN missing. */
    BOOLEAN(FeatureKind.CATEGORICAL),
    /** Texts as categories; empty is missing. */
    TEXT(FeatureKind.CATEGORICAL),
    /** A timestamp read as its hour of day in UTC, 0 to 23, a number. */
    HOUR_OF_DAY(FeatureKind.NUMERIC);

    private final FeatureKind kind;

    ValueReading(FeatureKind kind) {
        this.kind = kind;
    }

    /** Whether the values are tested as numbers or as categories. */
    public FeatureKind kind() {
        return kind;
    }
}
