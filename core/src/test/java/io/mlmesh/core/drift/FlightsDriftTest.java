package io.mlmesh.core.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drift on the real flights sample (January to March 2001). Expected figures come from scipy
 * 1.17 (what Evidently calls) on the same rows: {@code wasserstein_distance} over the profile's
 * sample divided by {@code np.std} of the full reference, {@code jensenshannon},
 * {@code ks_2samp}; PSI over {@code np.quantile} deciles.
 */
class FlightsDriftTest {

    private static final RealTables FLIGHTS = RealTables.read(RealTables.FLIGHTS);
    private static final DriftDetector DETECTOR = new DriftDetector(DriftSettings.defaults());

    @Test
    void compare_identicalWindow_driftsNowhere() {
        RealTables january = FLIGHTS.where("date", RealTables.inMonths("01"));

        DriftReport report = DETECTOR.compare(profile(january), columns(january));

        assertEquals(DriftVerdict.NO_DRIFT, report.verdict());
        assertEquals(4, report.testedCount());
        assertEquals(0, report.driftedCount());
        for (FeatureDrift feature : report.features()) {
            assertTrue(feature.score() < 0.005, feature + ": only the sketch's error is left");
            assertEquals(0, feature.populationStabilityIndex(), 1e-12, feature.feature());
        }
        assertEquals(0, report.feature("origin").score(), 1e-12);
        assertEquals(DriftMethod.WASSERSTEIN_NORMED, report.feature("delay").method());
        assertEquals(DriftMethod.JENSEN_SHANNON, report.feature("origin").method());
    }

    @Test
    void compare_delayShiftedBy30Minutes_delayDriftsAloneDatasetDoesNot() {
        RealTables january = FLIGHTS.where("date", RealTables.inMonths("01"));
        Map<String, FeatureValues> shifted = columns(january);
        shifted.put("delay", NumericValues.of(plus(january.numbers("delay"), 30)));

        DriftReport report = DETECTOR.compare(profile(january), shifted);

        FeatureDrift delay = report.feature("delay");
        assertEquals(DriftVerdict.DRIFT, delay.verdict());
        assertEquals(1.0169487081418547, delay.score(), 1e-9);
        assertEquals(3.2357461822567366, delay.populationStabilityIndex(), 1e-9);
        assertTrue(delay.stabilityIndexAboveThreshold());
        assertEquals(1, report.driftedCount());
        assertEquals(0.25, report.driftedShare(), 1e-12);
        assertEquals(DriftVerdict.NO_DRIFT, report.verdict());
    }

    @Test
    void compare_halfTheFeaturesShifted_datasetDrifts() {
        RealTables january = FLIGHTS.where("date", RealTables.inMonths("01"));
        Map<String, FeatureValues> shifted = columns(january);
        shifted.put("delay", NumericValues.of(plus(january.numbers("delay"), 30)));
        shifted.put("distance", NumericValues.of(plus(january.numbers("distance"), 300)));

        DriftReport report = DETECTOR.compare(profile(january), shifted);

        assertEquals(2, report.driftedCount());
        assertEquals(0.5, report.driftedShare(), 1e-12);
        assertTrue(report.datasetDrift());
    }

    @Test
    void compare_januaryFebruaryAgainstMarch_matchesScipyAndDoesNotDrift() {
        RealTables reference = FLIGHTS.where("date", RealTables.inMonths("01", "02"));
        RealTables march = FLIGHTS.where("date", RealTables.inMonths("03"));

        DriftReport report = DETECTOR.compare(profile(reference), columns(march));

        assertEquals(0.02712859369967633, report.feature("delay").score(), 1e-9);
        assertEquals(0.0033276395106601555,
                report.feature("delay").populationStabilityIndex(), 1e-9);
        assertEquals(0.028451418236044704, report.feature("distance").score(), 1e-9);
        assertEquals(0.01289167112329579, report.feature("hour").score(), 1e-9);
        assertEquals(0.07057603255844805, report.feature("origin").score(), 1e-9);
        assertEquals(0.040868633820870276,
                report.feature("origin").populationStabilityIndex(), 1e-9);
        assertEquals(12901, report.feature("delay").referenceCount());
        assertEquals(7099, report.feature("delay").windowCount());
        assertEquals(DriftVerdict.NO_DRIFT, report.verdict());
    }

    @Test
    void compare_profileSketch_staysCloseToFullReferenceDistance() {
        RealTables reference = FLIGHTS.where("date", RealTables.inMonths("01", "02"));
        RealTables march = FLIGHTS.where("date", RealTables.inMonths("03"));

        DriftReport report = DETECTOR.compare(profile(reference), columns(march));

        assertEquals(0.028172601885088445, report.feature("delay").score(), 0.0015);
        assertEquals(0.028541124998414234, report.feature("distance").score(), 0.0015);
    }

    @Test
    void compare_smallReference_usesKolmogorovSmirnovLikeScipy() {
        double[] january = FLIGHTS.where("date", RealTables.inMonths("01")).numbers("delay");
        double[] march = FLIGHTS.where("date", RealTables.inMonths("03")).numbers("delay");
        FeatureProfile reference = FeatureProfile.of("delay",
                NumericValues.of(Arrays.copyOf(january, 60)), DriftSettings.defaults());
        FeatureProfile large = FeatureProfile.of("delay",
                NumericValues.of(Arrays.copyOf(january, 1000)), DriftSettings.defaults());

        FeatureDrift exact = DETECTOR.compare(reference, NumericValues.of(Arrays.copyOf(march,
                70)));
        FeatureDrift asymptotic = DETECTOR.compare(large, NumericValues.of(Arrays.copyOf(march,
                1000)));

        assertEquals(DriftMethod.KOLMOGOROV_SMIRNOV, exact.method());
        assertEquals(0.1595238095238095, exact.statistic(), 1e-12);
        assertEquals(0.34349936969937006, exact.score(), 1e-9);
        assertFalse(exact.drifted());
        assertEquals(0.08, asymptotic.statistic(), 1e-12);
        assertEquals(0.003311056963176061, asymptotic.score(), 5e-5);
        assertTrue(asymptotic.drifted());
    }

    private static ReferenceProfile profile(RealTables flights) {
        return ReferenceProfile.of(flights.size(), columns(flights), DriftSettings.defaults());
    }

    private static Map<String, FeatureValues> columns(RealTables flights) {
        Map<String, FeatureValues> columns = new LinkedHashMap<>();
        columns.put("delay", NumericValues.of(flights.numbers("delay")));
        columns.put("distance", NumericValues.of(flights.numbers("distance")));
        columns.put("origin", CategoricalValues.of(flights.texts("origin")));
        columns.put("hour", NumericValues.of(flights.hours("date")));
        return columns;
    }

    private static double[] plus(double[] values, double shift) {
        return Arrays.stream(values).map(value -> value + shift).toArray();
    }
}
