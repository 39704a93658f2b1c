package io.mlmesh.core.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The same metrics on each slice of the rows (per origin airport, per month, ...), to find
 * where a model that is good on average is bad.
 *
 * <p>Design: a slice never throws. A slice with fewer rows than the caller's minimum gets NaN
 * for every metric, since a figure from a handful of rows misleads more than it tells. A slice
 * with one class only gets NaN for the ranking metrics (auc, pr_auc), which need both classes;
 * its log loss, Brier score and accuracy are still defined and reported.
 */
public final class SlicedMetrics {

    public static final String AUC = "auc";
    public static final String PR_AUC = "pr_auc";
    public static final String LOG_LOSS = "log_loss";
    public static final String BRIER = "brier";
    public static final String ACCURACY = "accuracy";

    /** The metrics of every slice, in report order. */
    public static final List<String> METRIC_NAMES = List.of(AUC, PR_AUC, LOG_LOSS, BRIER,
            ACCURACY);

    /** The order of slice values: numbers in numeric order, then texts in text order. */
    public static final Comparator<String> VALUE_ORDER = SlicedMetrics::compareValues;

    private SlicedMetrics() {
    }

    /**
     * One report per distinct slice value, in value order (numerically when both values are
     * numbers, so month 10 follows month 9).
     *
     * @param sliceValues each row's slice value, not null
     * @param threshold the score at or above which accuracy predicts positive
     * @param minRows slices with fewer rows report NaN metrics
     * @throws IllegalArgumentException when the arrays differ in length or are empty
     */
    public static List<SliceReport> bySlice(String[] sliceValues, double[] scores,
            int[] labels, double threshold, int minRows) {
        BinaryMetrics.checkSameLength(scores, labels);
        if (sliceValues.length != scores.length) {
            throw new IllegalArgumentException("sliceValues has " + sliceValues.length
                    + " values but scores has " + scores.length);
        }
        Map<String, List<Integer>> rowsByValue = new TreeMap<>(VALUE_ORDER);
        for (int i = 0; i < sliceValues.length; i++) {
            rowsByValue.computeIfAbsent(sliceValues[i], value -> new ArrayList<>()).add(i);
        }

        List<SliceReport> reports = new ArrayList<>(rowsByValue.size());
        rowsByValue.forEach((value, rows) -> reports.add(
                report(value, rows, scores, labels, threshold, minRows)));
        return reports;
    }

    private static int compareValues(String left, String right) {
        Double leftNumber = numberOrNull(left);
        Double rightNumber = numberOrNull(right);
        if (leftNumber != null && rightNumber != null) {
            int byNumber = Double.compare(leftNumber, rightNumber);
            return byNumber != 0 ? byNumber : left.compareTo(right);
        }
        if (leftNumber != null || rightNumber != null) {
            return leftNumber != null ? -1 : 1;
        }
        return Comparator.<String>naturalOrder().compare(left, right);
    }

    private static SliceReport report(String value, List<Integer> rows, double[] allScores,
            int[] allLabels, double threshold, int minRows) {
        double[] scores = new double[rows.size()];
        int[] labels = new int[rows.size()];
        long positives = 0;
        for (int k = 0; k < scores.length; k++) {
            scores[k] = allScores[rows.get(k)];
            labels[k] = allLabels[rows.get(k)];
            positives += labels[k];
        }

        Map<String, Double> metrics = new LinkedHashMap<>();
        METRIC_NAMES.forEach(name -> metrics.put(name, Double.NaN));
        if (rows.size() >= minRows) {
            boolean bothClasses = positives > 0 && positives < rows.size();
            if (bothClasses) {
                metrics.put(AUC, BinaryMetrics.auc(scores, labels));
                metrics.put(PR_AUC, PrecisionRecall.averagePrecision(scores, labels));
            }
            metrics.put(LOG_LOSS, BinaryMetrics.logLoss(scores, labels));
            metrics.put(BRIER, BinaryMetrics.brier(scores, labels));
            metrics.put(ACCURACY, BinaryMetrics.accuracy(scores, labels, threshold));
        }
        return new SliceReport(value, rows.size(), (double) positives / rows.size(), metrics);
    }

    private static Double numberOrNull(String text) {
        try {
            return Double.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
