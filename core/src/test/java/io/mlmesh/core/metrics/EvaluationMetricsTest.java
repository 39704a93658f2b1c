package io.mlmesh.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PR-AUC, calibration, confusion matrix and slices on the real flights sample, scored by the
 * late share of each flight's departure hour (an in-sample model: calibrated per hour by
 * construction), every figure cross-checked by a brute-force computation.
 */
class EvaluationMetricsTest {

    private static final Path FLIGHTS = Path.of("../data/flights-20k.csv");
    private static final int MIN_SLICE_ROWS = 50;

    private static double[] scores;
    private static int[] labels;
    private static String[] origins;
    private static String[] months;

    @BeforeAll
    static void readFlights() throws IOException {
        List<String> lines = Files.readAllLines(FLIGHTS);
        int rows = lines.size() - 1;
        int[] hours = new int[rows];
        labels = new int[rows];
        origins = new String[rows];
        months = new String[rows];
        for (int i = 0; i < rows; i++) {
            String[] cells = lines.get(i + 1).split(",");
            hours[i] = Integer.parseInt(cells[0].substring(11, 13));
            labels[i] = Integer.parseInt(cells[1]) > 15 ? 1 : 0;
            origins[i] = cells[3];
            months[i] = String.valueOf(Integer.parseInt(cells[0].substring(5, 7)));
        }
        double[] lateByHour = new double[24];
        double[] flightsByHour = new double[24];
        for (int i = 0; i < rows; i++) {
            lateByHour[hours[i]] += labels[i];
            flightsByHour[hours[i]]++;
        }
        scores = new double[rows];
        for (int i = 0; i < rows; i++) {
            scores[i] = lateByHour[hours[i]] / flightsByHour[hours[i]];
        }
    }

    @Test
    void averagePrecision_handExample_isMeanPrecisionAtPositives() {
        double[] handScores = {0.9, 0.8, 0.7, 0.6};
        int[] handLabels = {1, 0, 1, 0};

        assertEquals((1.0 + 2.0 / 3) / 2,
                PrecisionRecall.averagePrecision(handScores, handLabels), 1e-12);
        assertEquals(0.5, PrecisionRecall.averagePrecision(new double[] {0.5, 0.5},
                new int[] {1, 0}), 1e-12);
        assertTrue(Double.isNaN(PrecisionRecall.averagePrecision(new double[] {0.5},
                new int[] {0})));
    }

    @Test
    void averagePrecision_realFlightsWithTies_equalsBruteForce() {
        double expected = bruteForceAveragePrecision(scores, labels);

        double averagePrecision = PrecisionRecall.averagePrecision(scores, labels);

        assertEquals(expected, averagePrecision, 1e-12);
        double positiveShare = mean(labels);
        assertTrue(averagePrecision > positiveShare, "hour ranks late flights first: "
                + averagePrecision + " vs base rate " + positiveShare);
    }

    @Test
    void confusionMatrix_realFlights_countsMatchBruteForceAndRatesFollow() {
        ConfusionMatrix matrix = ConfusionMatrix.at(scores, labels, 0.25);

        long[] expected = new long[4];
        for (int i = 0; i < scores.length; i++) {
            boolean predicted = scores[i] >= 0.25;
            expected[predicted ? labels[i] == 1 ? 0 : 1 : labels[i] == 0 ? 2 : 3]++;
        }
        assertEquals(new ConfusionMatrix(0.25, expected[0], expected[1], expected[2],
                expected[3]), matrix);
        assertEquals(scores.length, expected[0] + expected[1] + expected[2] + expected[3]);
        assertEquals((double) expected[0] / (expected[0] + expected[1]), matrix.precision(),
                1e-12);
        assertEquals((double) expected[0] / (expected[0] + expected[3]), matrix.recall(),
                1e-12);
        assertEquals(2 * matrix.precision() * matrix.recall()
                / (matrix.precision() + matrix.recall()), matrix.f1(), 1e-12);
        assertTrue(matrix.truePositives() > 0 && matrix.falsePositives() > 0, matrix.toString());
    }

    @Test
    void confusionMatrix_nothingPredicted_precisionNaN() {
        ConfusionMatrix matrix = ConfusionMatrix.at(new double[] {0.1, 0.2},
                new int[] {1, 0}, 0.5);

        assertEquals(new ConfusionMatrix(0.5, 0, 0, 1, 1), matrix);
        assertTrue(Double.isNaN(matrix.precision()));
        assertEquals(0.0, matrix.recall());
        assertEquals(0.0, matrix.falsePositiveRate());
    }

    @Test
    void equalCountBins_realFlights_decilesOrderedCountsAndRatesMatchBruteForce() {
        List<CalibrationBin> bins = Calibration.equalCountBins(scores, labels,
                Calibration.DECILES);

        assertEquals(10, bins.size());
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        for (int bin = 0; bin < bins.size(); bin++) {
            CalibrationBin actual = bins.get(bin);
            assertEquals(scores.length / 10, actual.rowCount());
            assertEquals(sorted[bin * 2000], actual.minScore(), 0.0);
            assertEquals(sorted[bin * 2000 + 1999], actual.maxScore(), 0.0);
            assertEquals(mean(sorted, bin * 2000, bin * 2000 + 2000), actual.meanPredicted(),
                    1e-12);
        }
        assertEquals(mean(labels), bins.stream().mapToDouble(bin -> bin.observedRate()
                * bin.rowCount()).sum() / scores.length, 1e-12);
        double error = Calibration.expectedCalibrationError(bins);
        assertTrue(error < 0.01, "per-hour rates are calibrated in-sample: " + error);
    }

    @Test
    void equalCountBins_fewerRowsThanBins_oneBinPerRow() {
        List<CalibrationBin> bins = Calibration.equalCountBins(new double[] {0.8, 0.2, 0.5},
                new int[] {1, 0, 1}, 10);

        assertEquals(List.of(new CalibrationBin(0.2, 0.2, 0.2, 0.0, 1),
                new CalibrationBin(0.5, 0.5, 0.5, 1.0, 1),
                new CalibrationBin(0.8, 0.8, 0.8, 1.0, 1)), bins);
        assertThrows(IllegalArgumentException.class,
                () -> Calibration.equalCountBins(new double[] {0.1}, new int[] {0}, 0));
    }

    @Test
    void bySlice_months_numericOrderCountsAndMetricsMatchBruteForce() {
        List<SliceReport> reports = SlicedMetrics.bySlice(months, scores, labels, 0.5,
                MIN_SLICE_ROWS);

        Map<String, Integer> expectedCounts = new TreeMap<>();
        for (String month : months) {
            expectedCounts.merge(month, 1, Integer::sum);
        }
        assertEquals(List.of("1", "2", "3"), reports.stream().map(SliceReport::value).toList());
        for (SliceReport report : reports) {
            Subset slice = subset(months, report.value());
            assertEquals(expectedCounts.get(report.value()).longValue(), report.rowCount());
            assertEquals(mean(slice.labels()), report.positiveShare(), 1e-12);
            assertEquals(pairCountingAuc(slice.scores(), slice.labels()),
                    report.metrics().get(SlicedMetrics.AUC), 1e-12);
            assertEquals(bruteForceAveragePrecision(slice.scores(), slice.labels()),
                    report.metrics().get(SlicedMetrics.PR_AUC), 1e-12);
            assertEquals(BinaryMetrics.logLoss(slice.scores(), slice.labels()),
                    report.metrics().get(SlicedMetrics.LOG_LOSS), 1e-12);
        }
    }

    @Test
    void bySlice_origins_smallSlicesNaNOneClassSlicesNoRankingMetrics() {
        List<SliceReport> reports = SlicedMetrics.bySlice(origins, scores, labels, 0.5,
                MIN_SLICE_ROWS);

        Map<String, Integer> counts = new HashMap<>();
        for (String origin : origins) {
            counts.merge(origin, 1, Integer::sum);
        }
        assertEquals(counts.size(), reports.size());
        assertEquals(scores.length, reports.stream().mapToLong(SliceReport::rowCount).sum());
        SliceReport ord = reports.stream().filter(report -> report.value().equals("ORD"))
                .findFirst().orElseThrow();
        Subset ordRows = subset(origins, "ORD");
        assertEquals(pairCountingAuc(ordRows.scores(), ordRows.labels()),
                ord.metrics().get(SlicedMetrics.AUC), 1e-12);
        long smallSlices = reports.stream().filter(report -> report.rowCount() < MIN_SLICE_ROWS)
                .peek(report -> SlicedMetrics.METRIC_NAMES.forEach(name ->
                        assertTrue(report.metrics().get(name).isNaN(), report.toString())))
                .count();
        assertTrue(smallSlices > 10, "the sample has many small airports: " + smallSlices);
    }

    @Test
    void bySlice_oneClassSlice_rankingNaNOthersDefined() {
        String[] slices = {"a", "a", "b", "b"};

        List<SliceReport> reports = SlicedMetrics.bySlice(slices,
                new double[] {0.2, 0.6, 0.3, 0.4}, new int[] {0, 0, 0, 1}, 0.5, 2);

        Map<String, Double> onlyNegatives = reports.get(0).metrics();
        assertTrue(onlyNegatives.get(SlicedMetrics.AUC).isNaN());
        assertTrue(onlyNegatives.get(SlicedMetrics.PR_AUC).isNaN());
        assertEquals(-(Math.log(0.8) + Math.log(0.4)) / 2,
                onlyNegatives.get(SlicedMetrics.LOG_LOSS), 1e-12);
        assertEquals(0.5, onlyNegatives.get(SlicedMetrics.ACCURACY), 1e-12);
        assertEquals(1.0, reports.get(1).metrics().get(SlicedMetrics.AUC), 1e-12);
    }

    private record Subset(double[] scores, int[] labels) {
    }

    private static Subset subset(String[] values, String value) {
        int count = (int) Arrays.stream(values).filter(value::equals).count();
        double[] subsetScores = new double[count];
        int[] subsetLabels = new int[count];
        int next = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i].equals(value)) {
                subsetScores[next] = scores[i];
                subsetLabels[next++] = labels[i];
            }
        }
        return new Subset(subsetScores, subsetLabels);
    }

    /** Mean over positives of the precision of all rows scoring at or above the positive. */
    private static double bruteForceAveragePrecision(double[] values, int[] truth) {
        double sum = 0;
        long positives = 0;
        for (int i = 0; i < values.length; i++) {
            if (truth[i] == 1) {
                long above = 0;
                long positivesAbove = 0;
                for (int j = 0; j < values.length; j++) {
                    if (values[j] >= values[i]) {
                        above++;
                        positivesAbove += truth[j];
                    }
                }
                sum += (double) positivesAbove / above;
                positives++;
            }
        }
        return sum / positives;
    }

    private static double pairCountingAuc(double[] values, int[] truth) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < values.length; j++) {
                if (truth[i] == 1 && truth[j] == 0) {
                    pairs++;
                    wins += values[i] > values[j] ? 1 : values[i] == values[j] ? 0.5 : 0;
                }
            }
        }
        return wins / pairs;
    }

    private static double mean(int[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    private static double mean(double[] values, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += values[i];
        }
        return sum / (to - from);
    }
}
