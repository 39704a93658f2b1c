package io.mlmesh.core.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The precision-recall view of a binary classifier's scores, the one that matters when
 * positives are rare: a ranking can have a high ROC AUC and still bury the few positives among
 * many negatives.
 */
public final class PrecisionRecall {

    private PrecisionRecall() {
    }

    /**
     * Average precision, the area under the precision-recall step curve: the sum over distinct
     * scores, highest first, of the recall gained at that score times the precision of all rows
     * scoring at or above it. Tied scores form one step, so the result does not depend on row
     * order. NaN when no label is 1.
     *
     * @throws IllegalArgumentException when the arrays differ in length or are empty
     */
    public static double averagePrecision(double[] scores, int[] labels) {
        BinaryMetrics.checkSameLength(scores, labels);
        long positives = Arrays.stream(labels).filter(label -> label == 1).count();
        if (positives == 0) {
            return Double.NaN;
        }
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> -scores[i]));

        double area = 0;
        long truePositives = 0;
        int start = 0;
        while (start < order.length) {
            int end = start;
            long stepPositives = 0;
            while (end < order.length && scores[order[end]] == scores[order[start]]) {
                stepPositives += labels[order[end]] == 1 ? 1 : 0;
                end++;
            }
            truePositives += stepPositives;
            area += (double) stepPositives / positives * truePositives / end;
            start = end;
        }
        return area;
    }
}
