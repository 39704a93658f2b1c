package io.mlmesh.training.job;

import io.mlmesh.core.metrics.BinaryMetrics;
import io.mlmesh.training.data.FeatureMatrix;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures a job records about its model, computed on the test rows with the core
 * {@link BinaryMetrics}, the code that also judges served traffic.
 */
public final class Evaluation {

    /** The score at or above which a row is predicted positive for accuracy. */
    public static final double ACCURACY_THRESHOLD = 0.5;

    private Evaluation() {
    }

    /**
     * auc, log_loss, accuracy, brier on the test rows; train_rows, test_rows; positive_share
     * of the test rows.
     */
    public static Map<String, Double> metrics(FeatureMatrix train, FeatureMatrix test,
            double[] testScores) {
        int[] labels = test.intLabels();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("auc", BinaryMetrics.auc(testScores, labels));
        metrics.put("log_loss", BinaryMetrics.logLoss(testScores, labels));
        metrics.put("accuracy", BinaryMetrics.accuracy(testScores, labels, ACCURACY_THRESHOLD));
        metrics.put("brier", BinaryMetrics.brier(testScores, labels));
        metrics.put("train_rows", (double) train.rows());
        metrics.put("test_rows", (double) test.rows());
        metrics.put("positive_share", test.positiveShare());
        return metrics;
    }
}
