package io.mlmesh.core.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drift on the real telco churn set: customers who left against those who stayed (a shift
 * everyone knows: churners are new, month-to-month, pay more), and small references that get
 * the statistical tests. Expected figures come from scipy 1.17 on the same rows, with
 * Evidently's conventions ({@code chisquare} against the reference's counts scaled to the
 * window, {@code ks_2samp}).
 */
class ChurnDriftTest {

    private static final RealTables CHURN = RealTables.read(RealTables.CHURN);
    private static final DriftDetector DETECTOR = new DriftDetector(DriftSettings.defaults());
    private static final List<String> NUMERIC = List.of("tenure", "monthly_charges",
            "total_charges");
    private static final List<String> CATEGORICAL = List.of("contract", "payment_method",
            "internet_service");

    @Test
    void compare_churnersAgainstStayers_everyFeatureAndDatasetDrift() {
        RealTables stayers = CHURN.where("churn", "No"::equals);
        RealTables churners = CHURN.where("churn", "Yes"::equals);

        DriftReport report = DETECTOR.compare(profile(stayers), columns(churners));

        assertEquals(0.812658292435342, report.feature("tenure").score(), 1e-9);
        assertEquals(0.8417763046160818,
                report.feature("tenure").populationStabilityIndex(), 1e-9);
        assertEquals(0.4396283879453832, report.feature("monthly_charges").score(), 1e-9);
        assertEquals(0.43944844652723936, report.feature("total_charges").score(), 1e-9);
        assertEquals(0.3667232969491854, report.feature("contract").score(), 1e-9);
        assertEquals(1.238559792784284,
                report.feature("contract").populationStabilityIndex(), 1e-9);
        assertEquals(0.23631812597857837, report.feature("payment_method").score(), 1e-9);
        assertEquals(0.2705452225962286, report.feature("internet_service").score(), 1e-9);
        assertEquals(6, report.driftedCount());
        assertTrue(report.datasetDrift());
    }

    @Test
    void compare_missingTotalCharges_countedAndExcluded() {
        RealTables stayers = CHURN.where("churn", "No"::equals);
        RealTables churners = CHURN.where("churn", "Yes"::equals);

        FeatureDrift totalCharges = DETECTOR.compare(profile(stayers), columns(churners))
                .feature("total_charges");

        assertEquals(5163, totalCharges.referenceCount());
        assertEquals(11.0 / 5174, totalCharges.referenceMissingShare(), 1e-12);
        assertEquals(0, totalCharges.windowMissingShare(), 1e-12);
        assertEquals(1869, totalCharges.windowCount());
    }

    @Test
    void compare_smallReference_chiSquareAndKolmogorovSmirnovLikeScipy() {
        RealTables reference = CHURN.rows(0, 800);
        RealTables next = CHURN.rows(800, 1600);

        DriftReport report = DETECTOR.compare(profile(reference), columns(next));

        FeatureDrift contract = report.feature("contract");
        assertEquals(DriftMethod.CHI_SQUARE, contract.method());
        assertEquals(0.371052855878119, contract.statistic(), 1e-9);
        assertEquals(0.8306668824770873, contract.score(), 1e-9);
        assertFalse(contract.drifted());
        FeatureDrift payment = report.feature("payment_method");
        assertEquals(12.190612313161516, payment.statistic(), 1e-9);
        assertEquals(0.006757925701319693, payment.score(), 1e-9);
        assertTrue(payment.drifted());
        FeatureDrift tenure = report.feature("tenure");
        assertEquals(DriftMethod.KOLMOGOROV_SMIRNOV, tenure.method());
        assertEquals(0.035, tenure.statistic(), 1e-12);
        assertEquals(0.7115715557110696, tenure.score(), 0.02);
        assertEquals(0.9641223947740123, report.feature("monthly_charges").score(), 0.02);
    }

    @Test
    void compare_smallReferenceAgainstChurners_testsFindDrift() {
        RealTables reference = CHURN.rows(0, 800);
        RealTables churners = CHURN.where("churn", "Yes"::equals);

        DriftReport report = DETECTOR.compare(profile(reference), columns(churners));

        assertEquals(854.9517091854995, report.feature("contract").statistic(), 1e-6);
        assertTrue(report.feature("contract").score() < 1e-100);
        assertEquals(0.26471107544141254, report.feature("tenure").statistic(), 1e-12);
        assertTrue(report.feature("tenure").score() < 1e-30);
        assertTrue(report.datasetDrift());
    }

    private static ReferenceProfile profile(RealTables customers) {
        return ReferenceProfile.of(customers.size(), columns(customers),
                DriftSettings.defaults());
    }

    private static Map<String, FeatureValues> columns(RealTables customers) {
        Map<String, FeatureValues> columns = new LinkedHashMap<>();
        NUMERIC.forEach(name -> columns.put(name, NumericValues.of(customers.numbers(name))));
        CATEGORICAL.forEach(name -> columns.put(name, CategoricalValues.of(customers.texts(
                name))));
        return columns;
    }
}
