package io.mlmesh.core.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Quality of binary classifiers from scores (probabilities of the positive class) and 0/1
 * labels. Offline evaluation and the served-traffic check call the same code, so equal
 * predictions give equal figures.
 */
public final class BinaryMetrics {

    /** Probabilities are clipped to [EPSILON, 1 - EPSILON] before taking logarithms. */
    public static final double EPSILON = 1e-15;

    private BinaryMetrics() {
    }

    /**
     * Area under the ROC curve by the rank-sum (Mann-Whitney) statistic; tied scores share
     * their average rank. NaN when the labels hold only one class.
     */
    public static double auc(double[] scores, int[] labels) {
        checkSameLength(scores, labels);
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));

        double positiveRankSum = 0;
        long positives = 0;
        int start = 0;
        while (start < order.length) {
            int end = start;
            while (end + 1 < order.length && scores[order[end + 1]] == scores[order[start]]) {
                end++;
            }
            double averageRank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) {
                if (labels[order[k]] == 1) {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }
            start = end + 1;
        }

        long negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / (positives * negatives);
    }

    /** Mean negative log-likelihood of the labels. */
    public static double logLoss(double[] scores, int[] labels) {
        checkSameLength(scores, labels);
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            double p = Math.min(Math.max(scores[i], EPSILON), 1 - EPSILON);
            sum -= labels[i] == 1 ? Math.log(p) : Math.log(1 - p);
        }
        return sum / scores.length;
    }

    /** Share of rows whose score, cut at the threshold, equals the label. */
    public static double accuracy(double[] scores, int[] labels, double threshold) {
        checkSameLength(scores, labels);
        long correct = 0;
        for (int i = 0; i < scores.length; i++) {
            int predicted = scores[i] >= threshold ? 1 : 0;
            if (predicted == labels[i]) {
                correct++;
            }
        }
        return (double) correct / scores.length;
    }

    /** Mean squared difference between score and label. */
    public static double brier(double[] scores, int[] labels) {
        checkSameLength(scores, labels);
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            double error = scores[i] - labels[i];
            sum += error * error;
        }
        return sum / scores.length;
    }

    static void checkSameLength(double[] scores, int[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException("scores has " + scores.length
                    + " values but labels has " + labels.length);
        }
        if (scores.length == 0) {
            throw new IllegalArgumentException("no rows to evaluate");
        }
    }
}
