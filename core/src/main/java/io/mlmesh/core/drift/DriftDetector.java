package io.mlmesh.core.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.hipparchus.stat.inference.ChiSquareTest;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;

/**
 * Tests windows of feature values against a reference profile with Evidently's methods and
 * thresholds (see {@link DriftMethod}, {@link DriftSettings}).
 *
 * <p>Design: every input gives a result, never an exception or a NaN, because a monitor must
 * keep reporting on whatever traffic arrives. Missing values are counted and left out; too few
 * values on either side give {@link DriftVerdict#INSUFFICIENT_DATA}; a category that only one
 * side has counts as {@link Distances#EMPTY_SHARE} on the other, which keeps every statistic
 * finite (for the chi-square test this stands in for the infinite statistic and zero p-value
 * that scipy gives Evidently); a constant numeric reference has no spread to normalize by, so
 * the Wasserstein score is then the absolute distance, in the feature's own unit.
 *
 * <p>The Kolmogorov-Smirnov p-value is computed as scipy computes it for Evidently: P(D >= d)
 * under the null hypothesis, exact for small samples, asymptotic for large ones, and with ties
 * left as they are (conservative). Hipparchus' own two-sample test would break ties with random
 * jitter instead, which on discrete features (whole minutes, hours) can make two identical
 * samples look different.
 *
 * <p>Immutable and thread-safe.
 */
public final class DriftDetector {

    /** Below this product of the sample sizes the p-value is exact (Hipparchus' bound). */
    private static final long EXACT_KS_MAX_SIZE_PRODUCT = 10_000;

    private final DriftSettings settings;

    public DriftDetector(DriftSettings settings) {
        this.settings = settings;
    }

    public DriftSettings settings() {
        return settings;
    }

    /**
     * Tests every profiled feature.
     *
     * @param windows the window's values by feature name; must hold every profiled feature
     * @throws IllegalArgumentException when a feature has no window values or values of the
     *     other kind
     */
    public DriftReport compare(ReferenceProfile reference, Map<String, FeatureValues> windows) {
        List<FeatureDrift> features = new ArrayList<>(reference.features().size());
        for (FeatureProfile profile : reference.features()) {
            FeatureValues window = windows.get(profile.feature());
            if (window == null) {
                throw new IllegalArgumentException("feature " + profile.feature()
                        + " has no values in the window");
            }
            features.add(compare(profile, window));
        }

        return DriftReport.of(features, settings.datasetDriftShare());
    }

    /**
     * Tests one feature.
     *
     * @throws IllegalArgumentException when the window's kind is not the profile's
     */
    public FeatureDrift compare(FeatureProfile reference, FeatureValues window) {
        if (reference.featureKind() != window.kind()) {
            throw new IllegalArgumentException("feature " + reference.feature() + " is "
                    + reference.featureKind() + " in the reference but " + window.kind()
                    + " in the window");
        }
        DriftMethod method = DriftMethod.choose(reference.featureKind(), reference.count(),
                settings);
        long fewest = Math.min(reference.count(), window.presentCount());
        if (fewest < settings.minValues()) {
            return insufficient(reference, window, method);
        }

        return reference instanceof NumericProfile numeric
                ? compareNumeric(numeric, (NumericValues) window, method)
                : compareCategorical((CategoricalProfile) reference, (CategoricalValues) window,
                        method);
    }

    private FeatureDrift compareNumeric(NumericProfile reference, NumericValues window,
            DriftMethod method) {
        double[] current = window.sortedPresent();
        Score score = method == DriftMethod.KOLMOGOROV_SMIRNOV
                ? kolmogorovSmirnov(reference.sampleArray(), current)
                : normedWasserstein(reference, current);
        double psi = Distances.populationStabilityIndex(reference.binShareArray(),
                NumericProfile.binShares(reference.binEdgeArray(), current));

        return result(reference, window, method, score, psi);
    }

    private FeatureDrift compareCategorical(CategoricalProfile reference,
            CategoricalValues window, DriftMethod method) {
        List<String> unseen = window.counts().keySet().stream()
                .filter(category -> !reference.categoryCounts().containsKey(category))
                .toList();
        List<String> cells = new ArrayList<>(reference.categoryCounts().keySet());
        cells.addAll(unseen);
        double[] referenceShares = Distances.shares(counts(cells, reference.categoryCounts()));
        long[] windowCounts = counts(cells, window.counts());
        double[] windowShares = Distances.shares(windowCounts);
        String note = unseen.isEmpty() ? "" : unseen.size()
                + " categories absent from the reference, e.g. " + unseen.get(0);
        Score score = method == DriftMethod.CHI_SQUARE
                ? chiSquare(referenceShares, windowCounts, note)
                : Score.distance(Distances.jensenShannon(referenceShares, windowShares), note);
        double psi = Distances.populationStabilityIndex(referenceShares, windowShares);

        return result(reference, window, method, score, psi);
    }

    private static Score kolmogorovSmirnov(double[] referenceSample, double[] current) {
        KolmogorovSmirnovTest test = new KolmogorovSmirnovTest();
        double statistic = test.kolmogorovSmirnovStatistic(referenceSample, current);
        double pValue = (long) referenceSample.length * current.length
                < EXACT_KS_MAX_SIZE_PRODUCT
                ? test.exactP(statistic, referenceSample.length, current.length, false)
                : test.approximateP(statistic, referenceSample.length, current.length);
        return new Score(statistic, pValue, "");
    }

    private static Score normedWasserstein(NumericProfile reference, double[] current) {
        double distance = Distances.wasserstein(reference.sampleArray(), current);
        if (reference.standardDeviation() == 0) {
            return Score.distance(distance, "constant reference (standard deviation 0):"
                    + " absolute Wasserstein distance");
        }
        return Score.distance(distance / reference.standardDeviation(), "");
    }

    /**
     * Goodness of fit of the window's counts to the reference's shares, categories the
     * reference lacks at {@link Distances#EMPTY_SHARE}; a single cell fits perfectly.
     */
    private static Score chiSquare(double[] referenceShares, long[] windowCounts, String note) {
        if (windowCounts.length < 2) {
            return new Score(0, 1, note);
        }
        double[] shares = Distances.normalized(Distances.withoutEmpty(referenceShares));
        long windowTotal = Arrays.stream(windowCounts).sum();
        double[] expected = Arrays.stream(shares).map(share -> share * windowTotal).toArray();
        ChiSquareTest test = new ChiSquareTest();
        return new Score(test.chiSquare(expected, windowCounts),
                test.chiSquareTest(expected, windowCounts), note);
    }

    private FeatureDrift result(FeatureProfile reference, FeatureValues window,
            DriftMethod method, Score score, double psi) {
        double threshold = threshold(method);
        boolean drifted = method.scoreIsPValue() ? score.value() < threshold
                : score.value() >= threshold;

        return new FeatureDrift(reference.feature(), reference.featureKind(), method,
                drifted ? DriftVerdict.DRIFT : DriftVerdict.NO_DRIFT, score.statistic(),
                score.value(), threshold, psi, psi >= settings.psiThreshold(),
                reference.count(), window.presentCount(), reference.missingShare(),
                window.missingShare(), score.note());
    }

    private FeatureDrift insufficient(FeatureProfile reference, FeatureValues window,
            DriftMethod method) {
        String note = "insufficient data: " + reference.count() + " reference and "
                + window.presentCount() + " window values present, " + settings.minValues()
                + " needed on each side";
        return new FeatureDrift(reference.feature(), reference.featureKind(), method,
                DriftVerdict.INSUFFICIENT_DATA, 0, method.scoreIsPValue() ? 1 : 0,
                threshold(method), 0, false, reference.count(), window.presentCount(),
                reference.missingShare(), window.missingShare(), note);
    }

    private double threshold(DriftMethod method) {
        return method.scoreIsPValue() ? settings.pValueThreshold()
                : settings.distanceThreshold();
    }

    private static long[] counts(List<String> cells, Map<String, Long> countsByCategory) {
        return cells.stream().mapToLong(cell -> countsByCategory.getOrDefault(cell, 0L))
                .toArray();
    }

    /** A test's statistic, its score (p-value or distance) and a note. */
    private record Score(double statistic, double value, String note) {

        static Score distance(double distance, String note) {
            return new Score(distance, distance, note);
        }
    }
}
