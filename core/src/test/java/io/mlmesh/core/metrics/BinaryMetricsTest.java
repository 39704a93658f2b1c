package io.mlmesh.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinaryMetricsTest {

    @Test
    void auc_perfectAndReversedRanking_isOneAndZero() {
        double[] scores = {0.1, 0.2, 0.8, 0.9};
        int[] labels = {0, 0, 1, 1};

        assertEquals(1.0, BinaryMetrics.auc(scores, labels), 1e-12);
        assertEquals(0.0, BinaryMetrics.auc(scores, new int[] {1, 1, 0, 0}), 1e-12);
    }

    @Test
    void auc_tiedScores_countHalf() {
        assertEquals(0.5, BinaryMetrics.auc(new double[] {0.5, 0.5}, new int[] {0, 1}), 1e-12);
    }

    @Test
    void auc_equalsPairCountingDefinition_onBreastCancerFeature() throws IOException {
        Path csv = Path.of("../data/breast_cancer.csv");
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        int labelColumn = header.size() - 1;
        double[] scores = new double[lines.size() - 1];
        int[] labels = new int[scores.length];
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            scores[i - 1] = Double.parseDouble(cells[0]);
            labels[i - 1] = cells[labelColumn].contains("malignant") ? 1 : 0;
        }

        assertEquals(pairCountingAuc(scores, labels), BinaryMetrics.auc(scores, labels), 1e-12);
        assertTrue(BinaryMetrics.auc(scores, labels) > 0.8, "mean radius separates classes");
    }

    @Test
    void logLoss_knownValues() {
        double expected = -(Math.log(0.8) + Math.log(0.6)) / 2;

        assertEquals(expected,
                BinaryMetrics.logLoss(new double[] {0.8, 0.4}, new int[] {1, 0}), 1e-12);
    }

    @Test
    void accuracy_andBrier_knownValues() {
        double[] scores = {0.9, 0.4, 0.6, 0.2};
        int[] labels = {1, 1, 0, 0};

        assertEquals(0.5, BinaryMetrics.accuracy(scores, labels, 0.5), 1e-12);
        assertEquals((0.01 + 0.36 + 0.36 + 0.04) / 4, BinaryMetrics.brier(scores, labels), 1e-12);
    }

    @Test
    void metrics_mismatchedLengths_areRefused() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.auc(new double[] {0.1}, new int[] {0, 1}));

        assertTrue(error.getMessage().contains("scores has 1 values but labels has 2"));
    }

    private static double pairCountingAuc(double[] scores, int[] labels) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            for (int j = 0; j < scores.length; j++) {
                if (labels[i] == 1 && labels[j] == 0) {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        return wins / pairs;
    }
}
