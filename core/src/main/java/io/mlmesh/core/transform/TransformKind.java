package io.mlmesh.core.transform;

/** How one model input is computed from a source column. */
public enum TransformKind {
    /** The numeric value as it is; missing stays missing. */
    NUMERIC,
    /** Hour of day, 0 to 23, of a timestamp (UTC). */
    HOUR_OF_DAY,
    /** Day of week, 1 (Monday) to 7, of a timestamp (UTC). */
    DAY_OF_WEEK,
    /** Month, 1 to 12, of a timestamp (UTC). */
    MONTH,
    /**
     * Index of a string value in a vocabulary learned at training; a value outside the
     * vocabulary is missing.
     */
    CATEGORY_INDEX
}
