package io.mlmesh.core.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.core.model.BundleManifest;
import io.mlmesh.core.model.ModelBundle;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drift reference training stores in a bundle, on real flights columns. */
class ModelReferenceTest {

    private static final BundleManifest MANIFEST = new BundleManifest("xgboost", List.of(),
            Map.of(), List.of(), "delay", 15, Map.of());

    @Test
    void bundle_withReference_readsBackTheSameReferenceAndWeights() {
        ModelReference reference = flightsReference();
        byte[] weights = {4, 5, 6};

        ModelBundle read = ModelBundle.fromBytes(new ModelBundle(MANIFEST, weights, reference)
                .toBytes());

        assertEquals(reference, read.reference());
        assertArrayEquals(weights, read.modelBytes());
        assertEquals(ValueReading.TEXT, read.reference().readings().get("origin"));
    }

    @Test
    void bundle_withoutReference_readsAsNone() {
        assertNull(ModelBundle.fromBytes(new ModelBundle(MANIFEST, new byte[] {1}).toBytes())
                .reference());
    }

    @Test
    void reference_readingOfTheOtherKind_isRefusedNamingTheFeature() {
        ModelReference reference = flightsReference();

        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () ->
                new ModelReference(reference.features(), Map.of("distance", ValueReading.TEXT,
                        "origin", ValueReading.TEXT), reference.prediction(), "test"));
        assertEquals("feature distance is NUMERIC but its reading is TEXT", wrong.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () ->
                ModelReference.fromJson("{".getBytes(StandardCharsets.UTF_8)));
        assertTrue(bad.getMessage().startsWith("model reference is not valid JSON"),
                bad.getMessage());
    }

    private static ModelReference flightsReference() {
        RealTables january = RealTables.read(RealTables.FLIGHTS)
                .where("date", RealTables.inMonths("01"));
        DriftSettings settings = DriftSettings.defaults();
        Map<String, FeatureValues> columns = new LinkedHashMap<>();
        columns.put("distance", NumericValues.of(january.numbers("distance")));
        columns.put("origin", CategoricalValues.of(january.texts("origin")));
        return new ModelReference(ReferenceProfile.of(january.size(), columns, settings),
                Map.of("distance", ValueReading.NUMBER, "origin", ValueReading.TEXT),
                NumericProfile.of("prediction", NumericValues.of(january.numbers("delay")),
                        settings), "test");
    }
}
