package io.mlmesh.core.drift;

/**
 * The test that decides whether a feature drifted, chosen as Evidently does by the feature's
 * kind and the size of its reference: statistical tests for small references, distances for
 * large ones (where any test finds a significant but irrelevant difference).
 */
public enum DriftMethod {
    /** Two-sample Kolmogorov-Smirnov test; score is its p-value, drift when below threshold. */
    KOLMOGOROV_SMIRNOV(true),
    /**
     * Wasserstein distance divided by the reference's standard deviation; drift when the score
     * reaches the threshold. A constant reference (deviation 0) gives the absolute distance.
     */
    WASSERSTEIN_NORMED(false),
    /** Chi-square goodness of fit to the reference's shares; score is its p-value. */
    CHI_SQUARE(true),
    /** Jensen-Shannon distance (natural log) between category shares; score is the distance. */
    JENSEN_SHANNON(false);

    private final boolean scoreIsPValue;

    DriftMethod(boolean scoreIsPValue) {
        this.scoreIsPValue = scoreIsPValue;
    }

    /** Whether the score is a p-value (drift below threshold) or a distance (at or above). */
    public boolean scoreIsPValue() {
        return scoreIsPValue;
    }

    /** The method for a feature whose reference holds {@code referenceCount} values. */
    static DriftMethod choose(FeatureKind kind, long referenceCount, DriftSettings settings) {
        boolean small = referenceCount <= settings.smallReferenceMaxValues();
        if (kind == FeatureKind.NUMERIC) {
            return small ? KOLMOGOROV_SMIRNOV : WASSERSTEIN_NORMED;
        }
        return small ? CHI_SQUARE : JENSEN_SHANNON;
    }
}
