package io.mlmesh.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.TransformKind;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelBundleTest {

    private static final List<FeatureTransform> INPUTS = List.of(
            new FeatureTransform("distance", TransformKind.NUMERIC, "distance"),
            new FeatureTransform("origin", TransformKind.CATEGORY_INDEX, "origin"));

    @Test
    void fromBytes_roundTrip_keepsManifestAndModel() {
        FeatureVectorizer fitted = FeatureVectorizer.fit(INPUTS,
                Map.of("origin", List.of("SFO", "ATL")));
        BundleManifest manifest = new BundleManifest("xgboost", INPUTS,
                ModelBundle.vocabulariesOf(fitted),
                List.of(new OnlineFeatureRef("origin_7d", 2, "origin", List.of("late_share"))),
                "delay", 15.0, Map.of("max_depth", "6"));
        byte[] weights = {1, 2, 3, 4, 5};

        ModelBundle read = ModelBundle.fromBytes(new ModelBundle(manifest, weights).toBytes());

        assertEquals(manifest, read.manifest());
        assertArrayEquals(weights, read.modelBytes());
        assertEquals(fitted.vocabularies().get("origin").values(),
                read.vectorizer().vocabularies().get("origin").values());
    }

    @Test
    void fromBytes_truncatedBundle_isRefused() {
        BundleManifest manifest = new BundleManifest("xgboost", INPUTS,
                Map.of("origin", List.of("ATL")), List.of(), "delay", 15.0, Map.of());
        byte[] bytes = new ModelBundle(manifest, new byte[1000]).toBytes();

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ModelBundle.fromBytes(Arrays.copyOf(bytes, bytes.length / 3)));

        assertTrue(error.getMessage().startsWith("model bundle"), error.getMessage());
    }
}
