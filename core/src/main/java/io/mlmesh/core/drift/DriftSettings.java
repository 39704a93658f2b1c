package io.mlmesh.core.drift;

/**
 * Thresholds of the drift tests and the size of reference profiles. {@link #defaults()} gives
 * Evidently's defaults.
 *
 * @param pValueThreshold a statistical test (Kolmogorov-Smirnov, chi-square) reports drift
 *     when its p-value is below this; Evidently: 0.05
 * @param distanceThreshold a distance (normalized Wasserstein, Jensen-Shannon) reports drift
 *     when it is at or above this; Evidently: 0.1
 * @param psiThreshold a population stability index at or above this is flagged; Evidently: 0.1
 * @param datasetDriftShare the data set drifts when at least this share of the tested features
 *     drift; Evidently: 0.5
 * @param smallReferenceMaxValues references with at most this many non-missing values get a
 *     statistical test, larger ones a distance; Evidently: 1000
 * @param minValues fewer non-missing values than this in the reference or in the window give
 *     {@link DriftVerdict#INSUFFICIENT_DATA}
 * @param quantileBins population stability index bins of a numeric feature: the reference's
 *     quantiles at 1/n, 2/n, ... (equal edges merged)
 * @param maxSampleValues reference values kept in a numeric profile: all of them up to this
 *     many, otherwise this many evenly spaced order statistics; at least
 *     {@code smallReferenceMaxValues}, so that a test always sees the whole reference
 */
public record DriftSettings(
        double pValueThreshold,
        double distanceThreshold,
        double psiThreshold,
        double datasetDriftShare,
        int smallReferenceMaxValues,
        int minValues,
        int quantileBins,
        int maxSampleValues) {

    public DriftSettings {
        requireShare("pValueThreshold", pValueThreshold);
        requirePositive("distanceThreshold", distanceThreshold);
        requirePositive("psiThreshold", psiThreshold);
        requireShare("datasetDriftShare", datasetDriftShare);
        if (smallReferenceMaxValues < 0 || minValues < 1 || quantileBins < 2) {
            throw new IllegalArgumentException("smallReferenceMaxValues must be >= 0 (is "
                    + smallReferenceMaxValues + "), minValues >= 1 (is " + minValues
                    + ") and quantileBins >= 2 (is " + quantileBins + ")");
        }
        if (maxSampleValues < Math.max(1, smallReferenceMaxValues)) {
            throw new IllegalArgumentException("maxSampleValues must be >= 1 and >= "
                    + "smallReferenceMaxValues " + smallReferenceMaxValues + ", is "
                    + maxSampleValues);
        }
    }

    /** Evidently's thresholds, 30 values at least, 10 PSI bins, 2000 sample values. */
    public static DriftSettings defaults() {
        return new DriftSettings(0.05, 0.1, 0.1, 0.5, 1000, 30, 10, 2000);
    }

    private static void requireShare(String name, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1], is " + value);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, is "
                    + value);
        }
    }
}
