package io.mlmesh.training.job;

import io.mlmesh.core.fairness.GroupFairness;
import io.mlmesh.core.metrics.BinaryMetrics;
import io.mlmesh.core.metrics.Calibration;
import io.mlmesh.core.metrics.ConfusionMatrix;
import io.mlmesh.core.metrics.PrecisionRecall;
import io.mlmesh.core.metrics.SliceReport;
import io.mlmesh.core.metrics.SlicedMetrics;
import io.mlmesh.training.data.FeatureMatrix;
import io.mlmesh.training.v1.CalibrationBin;
import io.mlmesh.training.v1.FairnessReport;
import io.mlmesh.training.v1.FeatureImportance;
import io.mlmesh.training.v1.GroupRates;
import io.mlmesh.training.v1.SliceMetrics;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The figures a job records about its model, computed on the test rows with the core
 * {@link BinaryMetrics} and its neighbours, the code that also judges served traffic, and
 * turned into the contract's messages.
 */
public final class Evaluation {

    /** The score at or above which a row is predicted positive when the spec sets none. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    /** The fewest test rows a slice needs for its metrics when the spec sets none. */
    public static final int DEFAULT_MIN_SLICE_ROWS = 50;

    private Evaluation() {
    }

    /**
     * auc, pr_auc, log_loss, brier, calibration_error (expected, over score deciles) on the
     * test rows; accuracy, precision, recall, f1 at the threshold; train_rows, test_rows;
     * positive_share of the test rows.
     */
    public static Map<String, Double> metrics(FeatureMatrix train, FeatureMatrix test,
            double[] testScores, double threshold) {
        int[] labels = test.intLabels();
        ConfusionMatrix confusion = ConfusionMatrix.at(testScores, labels, threshold);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("auc", BinaryMetrics.auc(testScores, labels));
        metrics.put("pr_auc", PrecisionRecall.averagePrecision(testScores, labels));
        metrics.put("log_loss", BinaryMetrics.logLoss(testScores, labels));
        metrics.put("accuracy", BinaryMetrics.accuracy(testScores, labels, threshold));
        metrics.put("brier", BinaryMetrics.brier(testScores, labels));
        metrics.put("calibration_error", Calibration.expectedCalibrationError(
                Calibration.equalCountBins(testScores, labels, Calibration.DECILES)));
        metrics.put("precision", confusion.precision());
        metrics.put("recall", confusion.recall());
        metrics.put("f1", confusion.f1());
        metrics.put("train_rows", (double) train.rows());
        metrics.put("test_rows", (double) test.rows());
        metrics.put("positive_share", test.positiveShare());
        return metrics;
    }

    /** The test rows' decisions at the threshold against their labels. */
    public static io.mlmesh.training.v1.ConfusionMatrix confusionMatrix(FeatureMatrix test,
            double[] testScores, double threshold) {
        ConfusionMatrix matrix = ConfusionMatrix.at(testScores, test.intLabels(), threshold);
        return io.mlmesh.training.v1.ConfusionMatrix.newBuilder()
                .setThreshold(matrix.threshold())
                .setTruePositives(matrix.truePositives())
                .setFalsePositives(matrix.falsePositives())
                .setTrueNegatives(matrix.trueNegatives())
                .setFalseNegatives(matrix.falseNegatives())
                .build();
    }

    /** The test rows in score deciles, lowest first. */
    public static List<CalibrationBin> calibration(FeatureMatrix test, double[] testScores) {
        return Calibration.equalCountBins(testScores, test.intLabels(), Calibration.DECILES)
                .stream()
                .map(bin -> CalibrationBin.newBuilder()
                        .setMinScore(bin.minScore())
                        .setMaxScore(bin.maxScore())
                        .setMeanPredicted(bin.meanPredicted())
                        .setObservedRate(bin.observedRate())
                        .setRowCount(bin.rowCount())
                        .build())
                .toList();
    }

    /** The metrics of each value of one slicing transform, in value order. */
    public static List<SliceMetrics> slices(String sliceName, String[] sliceValues,
            FeatureMatrix test, double[] testScores, double threshold, int minRows) {
        List<SliceReport> reports = SlicedMetrics.bySlice(sliceValues, testScores,
                test.intLabels(), threshold, minRows);
        return reports.stream()
                .map(report -> SliceMetrics.newBuilder()
                        .setSlice(sliceName)
                        .setValue(report.value())
                        .setRowCount(report.rowCount())
                        .setPositiveShare(report.positiveShare())
                        .putAllMetrics(report.metrics())
                        .build())
                .toList();
    }

    /**
     * The inputs by mean absolute contribution, largest first; none for a model that has no
     * contributions (the MLP).
     */
    public static List<FeatureImportance> importance(List<String> featureNames,
            double[] meanAbsContributions) {
        if (meanAbsContributions.length == 0) {
            return List.of();
        }
        return IntStream.range(0, featureNames.size())
                .mapToObj(i -> FeatureImportance.newBuilder()
                        .setFeature(featureNames.get(i))
                        .setMeanAbsContribution(meanAbsContributions[i])
                        .build())
                .sorted(Comparator.comparingDouble(
                        FeatureImportance::getMeanAbsContribution).reversed())
                .toList();
    }

    /**
     * Group fairness of the test rows' decisions at the threshold.
     *
     * @throws IllegalArgumentException when the reference group has no test row
     */
    public static FairnessReport fairness(String attribute, String[] groups, FeatureMatrix test,
            double[] testScores, double threshold, String referenceGroup) {
        io.mlmesh.core.fairness.FairnessReport report = GroupFairness.of(groups,
                GroupFairness.decisions(testScores, threshold), test.intLabels(),
                referenceGroup);
        FairnessReport.Builder message = FairnessReport.newBuilder()
                .setAttribute(attribute)
                .setDemographicParityDifference(report.demographicParityDifference())
                .setDemographicParityRatio(report.demographicParityRatio())
                .setEqualizedOddsDifference(report.equalizedOddsDifference())
                .setDisparateImpact(report.disparateImpact())
                .setReferenceGroup(report.referenceGroup());
        report.groups().forEach(group -> message.addGroups(GroupRates.newBuilder()
                .setGroup(group.group())
                .setRowCount(group.rowCount())
                .setSelectionRate(group.selectionRate())
                .setTruePositiveRate(group.truePositiveRate())
                .setFalsePositiveRate(group.falsePositiveRate())));
        return message.build();
    }
}
