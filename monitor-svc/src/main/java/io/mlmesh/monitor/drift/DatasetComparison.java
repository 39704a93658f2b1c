package io.mlmesh.monitor.drift;

import io.mlmesh.core.drift.DriftReport;

/**
 * The drift of a current training set against a reference one.
 *
 * @param report per column, in request order, and for the set
 * @param referenceRows rows of the reference set
 * @param currentRows rows of the current set
 * @param referenceSha256 the feature store's digest of the reference rows
 * @param currentSha256 the feature store's digest of the current rows
 */
public record DatasetComparison(DriftReport report, long referenceRows, long currentRows,
        String referenceSha256, String currentSha256) {
}
