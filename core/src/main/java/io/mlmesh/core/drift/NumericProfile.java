package io.mlmesh.core.drift;

import java.util.Arrays;
import java.util.List;
import org.hipparchus.stat.StatUtils;
import org.hipparchus.stat.descriptive.rank.Percentile;

/**
 * A numeric feature of the reference: its moments, a bounded sample for the Kolmogorov-Smirnov
 * test and the Wasserstein distance, and quantile bins for the population stability index.
 *
 * <p>The sample holds every value of a reference up to {@link DriftSettings#maxSampleValues()}
 * values (so the test on a small reference is exact), and otherwise that many evenly spaced
 * order statistics: the {@code (i + 0.5) / k} quantiles, a deterministic quantile sketch whose
 * Wasserstein distance to the full reference is at most (max - min) / k. Moments and bin shares
 * come from the full reference.
 *
 * @param feature the feature's name
 * @param count non-missing values
 * @param missingCount missing (NaN or infinite) values
 * @param mean the mean of the values, 0 when there are none
 * @param standardDeviation the population standard deviation, exactly 0 for a constant feature
 * @param sample sorted reference values, see above; empty when count is 0
 * @param binEdges ascending, distinct inner edges: a value belongs to bin i when exactly i
 *     edges are less than or equal to it
 * @param binShares the share of reference values in each bin, one more than there are edges
 */
public record NumericProfile(
        String feature,
        long count,
        long missingCount,
        double mean,
        double standardDeviation,
        List<Double> sample,
        List<Double> binEdges,
        List<Double> binShares) implements FeatureProfile {

    public NumericProfile {
        sample = List.copyOf(sample);
        binEdges = List.copyOf(binEdges);
        binShares = List.copyOf(binShares);
        if (binShares.size() != binEdges.size() + 1 || count < 0 || missingCount < 0
                || sample.size() > count) {
            throw new IllegalArgumentException("numeric profile of " + feature + " is "
                    + "inconsistent: " + binEdges.size() + " bin edges need "
                    + (binEdges.size() + 1) + " shares, has " + binShares.size()
                    + "; count " + count + ", missingCount " + missingCount + ", sample "
                    + sample.size());
        }
    }

    /** Profiles the reference values of a numeric feature. */
    public static NumericProfile of(String feature, NumericValues values,
            DriftSettings settings) {
        double[] sorted = values.sortedPresent();
        double[] edges = quantileEdges(sorted, settings.quantileBins());

        return new NumericProfile(feature, sorted.length, values.missingCount(),
                sorted.length == 0 ? 0 : StatUtils.mean(sorted), standardDeviation(sorted),
                boxed(sample(sorted, settings.maxSampleValues())), boxed(edges),
                boxed(binShares(edges, sorted)));
    }

    @Override
    public FeatureKind featureKind() {
        return FeatureKind.NUMERIC;
    }

    /** The shares of sorted values in the bins that {@code edges} delimit. */
    static double[] binShares(double[] edges, double[] sortedValues) {
        double[] shares = new double[edges.length + 1];
        for (double value : sortedValues) {
            shares[binOf(edges, value)]++;
        }
        for (int i = 0; i < shares.length && sortedValues.length > 0; i++) {
            shares[i] /= sortedValues.length;
        }
        return shares;
    }

    double[] sampleArray() {
        return sample.stream().mapToDouble(Double::doubleValue).toArray();
    }

    double[] binEdgeArray() {
        return binEdges.stream().mapToDouble(Double::doubleValue).toArray();
    }

    double[] binShareArray() {
        return binShares.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static int binOf(double[] edges, double value) {
        int low = 0;
        int high = edges.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (edges[middle] <= value) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private static double[] quantileEdges(double[] sorted, int bins) {
        if (sorted.length == 0) {
            return new double[0];
        }
        Percentile percentile = new Percentile()
                .withEstimationType(Percentile.EstimationType.R_7);
        percentile.setData(sorted);
        double[] edges = new double[bins - 1];
        for (int i = 1; i < bins; i++) {
            edges[i - 1] = percentile.evaluate(100.0 * i / bins);
        }
        return Arrays.stream(edges).distinct().toArray();
    }

    private static double standardDeviation(double[] sorted) {
        if (sorted.length == 0 || sorted[0] == sorted[sorted.length - 1]) {
            return 0;
        }
        return Math.sqrt(StatUtils.populationVariance(sorted));
    }

    private static double[] sample(double[] sorted, int maxValues) {
        if (sorted.length <= maxValues) {
            return sorted.clone();
        }
        double[] sample = new double[maxValues];
        for (int i = 0; i < maxValues; i++) {
            sample[i] = sorted[(int) ((i + 0.5) * sorted.length / maxValues)];
        }
        return sample;
    }

    private static List<Double> boxed(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
