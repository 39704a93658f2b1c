package io.mlmesh.core.drift;

/**
 * The drift test of one feature: a window of values against the reference's profile. Every
 * number is finite; with {@link DriftVerdict#INSUFFICIENT_DATA} the statistic and the index
 * are 0 and the score is the neutral value of its method (p-value 1, distance 0).
 *
 * @param feature the feature's name
 * @param kind numeric or categorical
 * @param method the test that decided, chosen by kind and reference size
 * @param verdict drift, no drift or insufficient data
 * @param statistic the test's statistic: the Kolmogorov-Smirnov D, the chi-square value, or
 *     the distance itself for the distance methods
 * @param score the p-value of a statistical test or the distance of a distance method (see
 *     {@link DriftMethod#scoreIsPValue()})
 * @param threshold the p-value or distance threshold the score was compared with
 * @param populationStabilityIndex PSI of the window against the reference: quantile bins of
 *     the reference for a numeric feature, categories for a categorical one
 * @param stabilityIndexAboveThreshold whether the PSI reached its threshold; reported, not
 *     part of the verdict
 * @param referenceCount non-missing reference values
 * @param windowCount non-missing window values
 * @param referenceMissingShare share of reference values that were missing
 * @param windowMissingShare share of window values that were missing
 * @param note why the result is special (insufficient data, a constant reference, categories
 *     absent from the reference); empty otherwise
 */
public record FeatureDrift(
        String feature,
        FeatureKind kind,
        DriftMethod method,
        DriftVerdict verdict,
        double statistic,
        double score,
        double threshold,
        double populationStabilityIndex,
        boolean stabilityIndexAboveThreshold,
        long referenceCount,
        long windowCount,
        double referenceMissingShare,
        double windowMissingShare,
        String note) {

    /** Whether the feature drifted; false with insufficient data. */
    public boolean drifted() {
        return verdict == DriftVerdict.DRIFT;
    }
}
