package io.mlmesh.core.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Calibration tables: does a score of 0.3 mean that 30 % of such rows are positive?
 *
 * <p>Design: bins hold equal numbers of rows (quantiles of the score), not equal score widths.
 * Scores of real models crowd into a narrow range (flight delays: mostly 0.05 to 0.4), where
 * equal-width bins would leave most bins empty and one bin with most rows. Rows are binned by
 * their rank in score order, ties in row order, so a run of tied scores may straddle two bins.
 */
public final class Calibration {

    /** The number of bins of a decile table. */
    public static final int DECILES = 10;

    private Calibration() {
    }

    /**
     * Rows sorted by score and cut into {@code binCount} bins of equal count (bin sizes differ
     * by at most one), lowest scores first; fewer bins when there are fewer rows than bins.
     *
     * @throws IllegalArgumentException when the arrays differ in length or are empty, or when
     *     {@code binCount} is below 1
     */
    public static List<CalibrationBin> equalCountBins(double[] scores, int[] labels,
            int binCount) {
        BinaryMetrics.checkSameLength(scores, labels);
        if (binCount < 1) {
            throw new IllegalArgumentException("binCount must be at least 1, got " + binCount);
        }
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));

        List<CalibrationBin> bins = new ArrayList<>(binCount);
        for (int bin = 0; bin < binCount; bin++) {
            int start = (int) ((long) bin * order.length / binCount);
            int end = (int) ((long) (bin + 1) * order.length / binCount);
            if (end > start) {
                bins.add(binOf(order, start, end, scores, labels));
            }
        }
        return bins;
    }

    /**
     * Expected calibration error: the row-weighted mean of |mean score - observed rate| over
     * the bins.
     */
    public static double expectedCalibrationError(List<CalibrationBin> bins) {
        long rows = bins.stream().mapToLong(CalibrationBin::rowCount).sum();
        double weightedGap = bins.stream()
                .mapToDouble(bin -> bin.rowCount() * Math.abs(bin.meanPredicted()
                        - bin.observedRate()))
                .sum();
        return rows == 0 ? Double.NaN : weightedGap / rows;
    }

    private static CalibrationBin binOf(Integer[] order, int start, int end, double[] scores,
            int[] labels) {
        double scoreSum = 0;
        long positives = 0;
        for (int k = start; k < end; k++) {
            scoreSum += scores[order[k]];
            positives += labels[order[k]] == 1 ? 1 : 0;
        }
        int rows = end - start;
        return new CalibrationBin(scores[order[start]], scores[order[end - 1]], scoreSum / rows,
                (double) positives / rows, rows);
    }
}
