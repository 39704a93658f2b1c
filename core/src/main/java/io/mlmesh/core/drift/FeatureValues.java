package io.mlmesh.core.drift;

/**
 * The values of one feature over a set of rows (the reference or a window), missing values
 * counted apart. Immutable.
 */
public sealed interface FeatureValues permits NumericValues, CategoricalValues {

    FeatureKind kind();

    /** Values that are present: they take part in the tests. */
    long presentCount();

    /** Values that are missing: counted, excluded from the tests. */
    long missingCount();

    /** The missing share of all values, 0 when there are none. */
    default double missingShare() {
        long total = presentCount() + missingCount();
        return total == 0 ? 0 : (double) missingCount() / total;
    }
}
