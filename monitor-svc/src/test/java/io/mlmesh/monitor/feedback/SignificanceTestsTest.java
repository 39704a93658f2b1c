package io.mlmesh.monitor.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.core.metrics.BinaryMetrics;
import io.mlmesh.monitor.feedback.FlightOutcomes.Flight;
import io.mlmesh.monitor.feedback.FlightOutcomes.Scorer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * The significance tests against their definitions, computed here the slow way (every
 * positive against every negative), on real flights scored by per-airport late shares.
 */
class SignificanceTestsTest {

    private static final List<Flight> FLIGHTS = FlightOutcomes.served(1500);
    private static final NormalDistribution NORMAL = new NormalDistribution(0, 1);

    @Test
    void aucVariance_realFlights_equalsPairwiseStructuralComponents() {
        for (Scorer scorer : List.of(Scorer.ORIGIN_SHARE, Scorer.DESTINATION_SHARE)) {
            double[] scores = scores(FLIGHTS, scorer);
            int[] labels = labels(FLIGHTS);

            double[] pairwise = pairwiseAucAndVariance(scores, labels);

            assertEquals(BinaryMetrics.auc(scores, labels), pairwise[0], 1e-12);
            assertEquals(pairwise[1], SignificanceTests.aucVariance(scores, labels), 1e-12);
        }
    }

    @Test
    void aucPValue_twoScorersOnDisjointFlights_equalsNormalTailOfDeLongZ() {
        List<Flight> a = FLIGHTS.subList(0, 700);
        List<Flight> b = FLIGHTS.subList(700, 1500);
        double[] first = pairwiseAucAndVariance(scores(a, Scorer.ORIGIN_SHARE), labels(a));
        double[] second = pairwiseAucAndVariance(scores(b, Scorer.DESTINATION_SHARE), labels(b));

        double pValue = SignificanceTests.aucPValue(first[0], first[1], second[0], second[1]);

        double z = (first[0] - second[0]) / Math.sqrt(first[1] + second[1]);
        assertEquals(2 * (1 - NORMAL.cumulativeProbability(Math.abs(z))), pValue, 1e-12);
    }

    @Test
    void aucVariance_oneClassOrSingleNegative_nan() {
        assertTrue(Double.isNaN(SignificanceTests.aucVariance(new double[] {0.1, 0.2, 0.3},
                new int[] {1, 1, 1})));
        assertTrue(Double.isNaN(SignificanceTests.aucVariance(new double[] {0.1, 0.2, 0.3},
                new int[] {1, 1, 0})));
        assertTrue(Double.isNaN(SignificanceTests.aucPValue(0.5, 0, 0.5, 0)));
    }

    @Test
    void proportionPValue_counts_equalsPooledZTest() {
        double pooled = (410.0 + 350.0) / (600 + 580);
        double z = (410.0 / 600 - 350.0 / 580)
                / Math.sqrt(pooled * (1 - pooled) * (1.0 / 600 + 1.0 / 580));

        double pValue = SignificanceTests.proportionPValue(410, 600, 350, 580);

        assertEquals(2 * NORMAL.cumulativeProbability(-Math.abs(z)), pValue, 1e-12);
        assertTrue(pValue < 0.01, "a 7-point accuracy gap on 600 rows each is significant");
        assertEquals(1.0, SignificanceTests.proportionPValue(300, 600, 290, 580), 1e-12);
    }

    @Test
    void proportionPValue_noVarianceOrEmpty_nan() {
        assertTrue(Double.isNaN(SignificanceTests.proportionPValue(10, 10, 7, 7)));
        assertTrue(Double.isNaN(SignificanceTests.proportionPValue(0, 0, 7, 9)));
    }

    /** AUC and DeLong variance by the definition: every positive against every negative. */
    static double[] pairwiseAucAndVariance(double[] scores, int[] labels) {
        double[] positives = IntStream.range(0, scores.length)
                .filter(i -> labels[i] == 1).mapToDouble(i -> scores[i]).toArray();
        double[] negatives = IntStream.range(0, scores.length)
                .filter(i -> labels[i] == 0).mapToDouble(i -> scores[i]).toArray();
        double[] positiveComponents = new double[positives.length];
        double[] negativeComponents = new double[negatives.length];
        for (int p = 0; p < positives.length; p++) {
            for (int n = 0; n < negatives.length; n++) {
                double psi = positives[p] > negatives[n] ? 1
                        : positives[p] == negatives[n] ? 0.5 : 0;
                positiveComponents[p] += psi / negatives.length;
                negativeComponents[n] += psi / positives.length;
            }
        }
        double auc = mean(positiveComponents);
        return new double[] {auc, sampleVariance(positiveComponents) / positives.length
                + sampleVariance(negativeComponents) / negatives.length};
    }

    static double[] scores(List<Flight> flights, Scorer scorer) {
        return flights.stream().mapToDouble(flight -> flight.score(scorer)).toArray();
    }

    static int[] labels(List<Flight> flights) {
        return flights.stream().mapToInt(Flight::label).toArray();
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    private static double sampleVariance(double[] values) {
        double mean = mean(values);
        return Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum()
                / (values.length - 1);
    }
}
