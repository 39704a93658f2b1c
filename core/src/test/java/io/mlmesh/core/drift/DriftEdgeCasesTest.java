package io.mlmesh.core.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Inputs a monitor meets in served traffic: every one gives a finite result with a verdict,
 * never an exception or a NaN. Windows are cut from the real flights sample.
 */
class DriftEdgeCasesTest {

    private static final RealTables FLIGHTS = RealTables.read(RealTables.FLIGHTS);
    private static final DriftSettings SETTINGS = DriftSettings.defaults();
    private static final DriftDetector DETECTOR = new DriftDetector(SETTINGS);
    private static final RealTables JANUARY = FLIGHTS.where("date", RealTables.inMonths("01"));
    private static final FeatureProfile DELAY = FeatureProfile.of("delay",
            NumericValues.of(JANUARY.numbers("delay")), SETTINGS);
    private static final FeatureProfile ORIGIN = FeatureProfile.of("origin",
            CategoricalValues.of(JANUARY.texts("origin")), SETTINGS);

    @Test
    void compare_emptyWindow_insufficientDataNotDrifted() {
        FeatureDrift numeric = DETECTOR.compare(DELAY, NumericValues.of());
        FeatureDrift categorical = DETECTOR.compare(ORIGIN, CategoricalValues.of(List.of()));

        for (FeatureDrift drift : List.of(numeric, categorical)) {
            assertEquals(DriftVerdict.INSUFFICIENT_DATA, drift.verdict());
            assertFalse(drift.drifted());
            assertFinite(drift);
            assertTrue(drift.note().startsWith("insufficient data: 6937 reference and 0 window"),
                    drift.note());
        }
        assertEquals(0, numeric.score());
        assertEquals(0, numeric.windowMissingShare());
    }

    @Test
    void compare_tinyWindow_insufficientData() {
        double[] fiveDelays = Arrays.copyOf(JANUARY.numbers("delay"), 5);

        FeatureDrift drift = DETECTOR.compare(DELAY, NumericValues.of(fiveDelays));

        assertEquals(DriftVerdict.INSUFFICIENT_DATA, drift.verdict());
        assertEquals(5, drift.windowCount());
    }

    @Test
    void compare_tinyReference_insufficientDataWithStatisticalMethod() {
        FeatureProfile tiny = FeatureProfile.of("delay",
                NumericValues.of(Arrays.copyOf(JANUARY.numbers("delay"), 10)), SETTINGS);

        FeatureDrift drift = DETECTOR.compare(tiny, NumericValues.of(JANUARY.numbers("delay")));

        assertEquals(DriftVerdict.INSUFFICIENT_DATA, drift.verdict());
        assertEquals(DriftMethod.KOLMOGOROV_SMIRNOV, drift.method());
        assertEquals(1, drift.score(), "a p-value's neutral value");
    }

    @Test
    void compare_windowMostlyMissing_sharesReportedPresentValuesTested() {
        double[] delays = JANUARY.numbers("delay").clone();
        Arrays.fill(delays, 0, delays.length - 100, Double.NaN);
        delays[delays.length - 1] = Double.POSITIVE_INFINITY;

        FeatureDrift drift = DETECTOR.compare(DELAY, NumericValues.of(delays));

        assertEquals(99, drift.windowCount());
        assertEquals((delays.length - 99.0) / delays.length, drift.windowMissingShare(), 1e-12);
        assertFinite(drift);
        assertTrue(drift.verdict() != DriftVerdict.INSUFFICIENT_DATA);
    }

    @Test
    void compare_allMissingWindow_insufficientData() {
        double[] missing = new double[500];
        Arrays.fill(missing, Double.NaN);
        List<String> empty = Collections.nCopies(500, "");

        FeatureDrift numeric = DETECTOR.compare(DELAY, NumericValues.of(missing));
        FeatureDrift categorical = DETECTOR.compare(ORIGIN, CategoricalValues.of(empty));

        assertEquals(1, numeric.windowMissingShare());
        assertEquals(DriftVerdict.INSUFFICIENT_DATA, numeric.verdict());
        assertEquals(1, categorical.windowMissingShare());
        assertEquals(DriftVerdict.INSUFFICIENT_DATA, categorical.verdict());
    }

    @Test
    void compare_categoriesAbsentFromReference_finiteDriftWithNote() {
        List<String> origins = new ArrayList<>(JANUARY.texts("origin"));
        origins.replaceAll(origin -> origin.startsWith("S") ? "X" + origin : origin);

        FeatureDrift large = DETECTOR.compare(ORIGIN, CategoricalValues.of(origins));
        FeatureDrift small = DETECTOR.compare(smallOriginProfile(), CategoricalValues.of(
                origins.subList(0, 500)));

        assertFinite(large);
        assertTrue(large.drifted(), large.toString());
        assertTrue(large.note().contains("categories absent from the reference, e.g. XSAN"),
                large.note());
        assertEquals(DriftMethod.CHI_SQUARE, small.method());
        assertFinite(small);
        assertTrue(small.drifted(), small.toString());
        assertEquals(0, small.score(), 1e-12);
    }

    @Test
    void compare_categoriesAbsentFromWindow_finite() {
        List<String> onlyChicago = JANUARY.texts("origin").stream()
                .filter("ORD"::equals).toList();

        FeatureDrift large = DETECTOR.compare(ORIGIN, CategoricalValues.of(onlyChicago));
        FeatureDrift small = DETECTOR.compare(smallOriginProfile(),
                CategoricalValues.of(onlyChicago));

        assertFinite(large);
        assertTrue(large.drifted());
        assertEquals("", large.note());
        assertFinite(small);
        assertTrue(small.drifted());
    }

    @Test
    void compare_constantReferenceSameConstantWindow_noDrift() {
        FeatureProfile large = constantProfile(5000, 1.0);
        FeatureProfile small = constantProfile(40, 1.0);
        FeatureProfile oneCategory = FeatureProfile.of("carrier",
                CategoricalValues.of(Collections.nCopies(40, "AA")), SETTINGS);

        FeatureDrift wasserstein = DETECTOR.compare(large, constant(300, 1.0));
        FeatureDrift ks = DETECTOR.compare(small, constant(50, 1.0));
        FeatureDrift chiSquare = DETECTOR.compare(oneCategory,
                CategoricalValues.of(Collections.nCopies(50, "AA")));

        assertEquals(0, wasserstein.score());
        assertFalse(wasserstein.drifted());
        assertEquals(1, ks.score(), 1e-12);
        assertFalse(ks.drifted());
        assertEquals(1, chiSquare.score());
        assertFalse(chiSquare.drifted());
    }

    @Test
    void compare_constantReferenceShiftedWindow_absoluteDistanceAndNote() {
        FeatureDrift drift = DETECTOR.compare(constantProfile(5000, 1.0), constant(300, 1.25));

        assertEquals(DriftMethod.WASSERSTEIN_NORMED, drift.method());
        assertEquals(0.25, drift.score(), 1e-12);
        assertTrue(drift.drifted());
        assertTrue(drift.note().startsWith("constant reference"), drift.note());
        assertFinite(drift);
    }

    @Test
    void compare_constantWindowAgainstRealReference_finite() {
        FeatureDrift drift = DETECTOR.compare(DELAY, constant(300, 0));

        assertFinite(drift);
        assertTrue(drift.drifted());
    }

    @Test
    void compare_kindMismatch_throwsNamingFeature() {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> DETECTOR.compare(DELAY, CategoricalValues.of(List.of("1"))));

        assertEquals("feature delay is NUMERIC in the reference but CATEGORICAL in the window",
                thrown.getMessage());
    }

    @Test
    void compareDataset_featureWithoutWindow_throwsNamingFeature() {
        ReferenceProfile reference = new ReferenceProfile(6937, List.of(DELAY, ORIGIN));

        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> DETECTOR.compare(reference, Map.of("delay", NumericValues.of(1, 2))));

        assertEquals("feature origin has no values in the window", thrown.getMessage());
    }

    @Test
    void compareDataset_nothingTestable_insufficientData() {
        ReferenceProfile reference = new ReferenceProfile(6937, List.of(DELAY, ORIGIN));

        DriftReport report = DETECTOR.compare(reference, Map.of(
                "delay", NumericValues.of(), "origin", CategoricalValues.of(List.of("ORD"))));

        assertEquals(DriftVerdict.INSUFFICIENT_DATA, report.verdict());
        assertEquals(0, report.testedCount());
        assertEquals(0, report.driftedShare());
        assertFalse(report.datasetDrift());
    }

    private static FeatureProfile smallOriginProfile() {
        return FeatureProfile.of("origin",
                CategoricalValues.of(JANUARY.texts("origin").subList(0, 1000)), SETTINGS);
    }

    private static FeatureProfile constantProfile(int count, double value) {
        return FeatureProfile.of("constant", constant(count, value), SETTINGS);
    }

    private static NumericValues constant(int count, double value) {
        double[] values = new double[count];
        Arrays.fill(values, value);
        return NumericValues.of(values);
    }

    private static void assertFinite(FeatureDrift drift) {
        for (double number : new double[] {drift.statistic(), drift.score(), drift.threshold(),
                drift.populationStabilityIndex(), drift.referenceMissingShare(),
                drift.windowMissingShare()}) {
            assertTrue(Double.isFinite(number), drift.toString());
        }
    }
}
