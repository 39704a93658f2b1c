package io.mlmesh.core.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferenceProfileTest {

    private static final RealTables CHURN = RealTables.read(RealTables.CHURN);

    @Test
    void toJson_realChurnProfile_readsBackEqualAndTestsTheSame() {
        Map<String, FeatureValues> columns = new LinkedHashMap<>();
        columns.put("total_charges", NumericValues.of(CHURN.numbers("total_charges")));
        columns.put("contract", CategoricalValues.of(CHURN.texts("contract")));
        ReferenceProfile profile = ReferenceProfile.of(CHURN.size(), columns,
                DriftSettings.defaults());
        DriftDetector detector = new DriftDetector(DriftSettings.defaults());

        byte[] json = profile.toJson();
        ReferenceProfile read = ReferenceProfile.fromJson(json);

        assertEquals(profile, read);
        assertEquals(detector.compare(profile, columns), detector.compare(read, columns));
        String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"kind\":\"numeric\""), text.substring(0, 200));
        assertTrue(text.contains("\"Month-to-month\":3875"), text);
        assertTrue(json.length < 60_000, "bounded: " + json.length + " bytes");
    }

    @Test
    void of_largeNumericReference_keepsBoundedSortedSampleAndDecileBins() {
        NumericProfile profile = NumericProfile.of("total_charges",
                NumericValues.of(CHURN.numbers("total_charges")), DriftSettings.defaults());

        assertEquals(7032, profile.count());
        assertEquals(11, profile.missingCount());
        assertEquals(2000, profile.sample().size());
        assertEquals(9, profile.binEdges().size());
        assertEquals(1.0, profile.binShares().stream().mapToDouble(Double::doubleValue).sum(),
                1e-12);
        List<Double> sample = profile.sample();
        for (int i = 1; i < sample.size(); i++) {
            assertTrue(sample.get(i - 1) <= sample.get(i));
        }
    }

    @Test
    void fromJson_inconsistentProfile_throwsIllegalArgument() {
        byte[] json = ("{\"rowCount\":3,\"features\":[{\"kind\":\"categorical\","
                + "\"feature\":\"contract\",\"count\":5,\"missingCount\":0,"
                + "\"categoryCounts\":{\"One year\":2}}]}").getBytes(StandardCharsets.UTF_8);

        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> ReferenceProfile.fromJson(json));

        assertTrue(thrown.getMessage().contains("category counts add up to 2 but count is 5"),
                thrown.getMessage());
    }

    @Test
    void new_featureProfiledTwice_throws() {
        CategoricalProfile contract = CategoricalProfile.of("contract",
                CategoricalValues.of(CHURN.texts("contract")));

        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> new ReferenceProfile(1, List.of(contract, contract)));

        assertEquals("feature contract is profiled twice", thrown.getMessage());
    }

    @Test
    void settings_outOfRange_throwNamingSetting() {
        IllegalArgumentException pValue = assertThrows(IllegalArgumentException.class,
                () -> new DriftSettings(0, 0.1, 0.1, 0.5, 1000, 30, 10, 2000));
        IllegalArgumentException sample = assertThrows(IllegalArgumentException.class,
                () -> new DriftSettings(0.05, 0.1, 0.1, 0.5, 1000, 30, 10, 500));

        assertEquals("pValueThreshold must be in (0, 1], is 0.0", pValue.getMessage());
        assertEquals("maxSampleValues must be >= 1 and >= smallReferenceMaxValues 1000, is 500",
                sample.getMessage());
    }
}
