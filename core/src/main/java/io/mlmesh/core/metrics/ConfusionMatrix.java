package io.mlmesh.core.metrics;

/**
 * Counts of a binary classifier's decisions when its scores are cut at a threshold.
 *
 * @param threshold rows scoring at or above it are predicted positive
 * @param truePositives positives predicted positive
 * @param falsePositives negatives predicted positive
 * @param trueNegatives negatives predicted negative
 * @param falseNegatives positives predicted negative
 */
public record ConfusionMatrix(double threshold, long truePositives, long falsePositives,
        long trueNegatives, long falseNegatives) {

    /**
     * The matrix of the scores cut at {@code threshold}.
     *
     * @throws IllegalArgumentException when the arrays differ in length or are empty
     */
    public static ConfusionMatrix at(double[] scores, int[] labels, double threshold) {
        BinaryMetrics.checkSameLength(scores, labels);
        long[] counts = new long[4];
        for (int i = 0; i < scores.length; i++) {
            boolean predicted = scores[i] >= threshold;
            boolean actual = labels[i] == 1;
            counts[(predicted ? 0 : 2) + (predicted == actual ? 0 : 1)]++;
        }
        return new ConfusionMatrix(threshold, counts[0], counts[1], counts[2], counts[3]);
    }

    /** Share of predicted positives that are positive; NaN when none is predicted. */
    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    /** Share of positives predicted positive (true positive rate); NaN without positives. */
    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    /** Share of negatives predicted positive; NaN without negatives. */
    public double falsePositiveRate() {
        return ratio(falsePositives, falsePositives + trueNegatives);
    }

    /** Harmonic mean of precision and recall; NaN when either is. */
    public double f1() {
        return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }
}
