package io.mlmesh.core.drift;

/** What a drift test concluded, for one feature or for a data set. */
public enum DriftVerdict {
    NO_DRIFT,
    DRIFT,
    /** Too few non-missing values on one side to test; never counted as drift. */
    INSUFFICIENT_DATA
}
