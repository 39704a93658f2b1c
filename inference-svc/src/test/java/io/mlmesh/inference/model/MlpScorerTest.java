package io.mlmesh.inference.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.mlmesh.core.mlp.DjlRuntime;
import io.mlmesh.core.mlp.MlpInputLayout;
import io.mlmesh.core.mlp.MlpNetwork;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.RowView;
import io.mlmesh.core.transform.TransformKind;
import io.mlmesh.core.transform.Vocabulary;
import io.mlmesh.inference.FlightsModel;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An MLP version on DJL's PyTorch engine, on real flights with learned airport embeddings:
 * many threads get the scores one thread gets, bit for bit, and the served forward pass gives
 * the scores the network gives where it was built.
 */
class MlpScorerTest {

    private static final int THREADS = 16;
    private static final int ROUNDS = 20;
    private static final List<FeatureTransform> TRANSFORMS = List.of(
            new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date"),
            new FeatureTransform("distance", TransformKind.STANDARDIZE, "distance"),
            new FeatureTransform("origin", TransformKind.INTEGER_ENCODING, "origin"),
            new FeatureTransform("destination", TransformKind.HASHING, "destination", 64, 0));

    private static final MlpEngine ENGINE = new MlpEngine(DjlRuntime.DeviceSetting.AUTO,
            Optional.empty());
    private static FeatureVectorizer vectorizer;
    private static byte[] weights;
    private static float[][] expected;
    private static List<float[]> vectors;
    private static ServingModel model;

    @BeforeAll
    static void buildModel() {
        FlightsModel flights = FlightsModel.trained();
        List<RowView> rows = flights.heldOut().stream()
                .map(flight -> FlightsModel.rowOf(flight, null)).toList();
        vectorizer = FeatureVectorizer.fit(TRANSFORMS, rows);
        vectors = rows.stream().map(vectorizer::vectorize).toList();
        MlpInputLayout layout = MlpInputLayout.of(vectorizer);
        expected = new float[vectors.size()][];
        try (NDManager manager = DjlRuntime.pytorch(Optional.empty()).newBaseManager()) {
            MlpNetwork network = MlpNetwork.initial(manager, layout, 4, List.of(16, 8), 7);
            weights = network.encode();
            for (int row = 0; row < vectors.size(); row++) {
                expected[row] = network.probabilities(manager, vectors.get(row), 1);
            }
        }
        OnlineFeaturePlan online = OnlineFeaturePlan.of(List.of());
        model = new ServingModel("flights-mlp", 1, "", "sha", Instant.EPOCH, vectorizer, online,
                RequestSchema.of(TRANSFORMS, online), ENGINE.open(weights, vectorizer));
    }

    @Test
    void predict_servedForwardPass_equalsTheNetworkWhereItWasBuilt() {
        for (int row = 0; row < vectors.size(); row++) {
            assertArrayEquals(expected[row], model.predict(vectors.get(row), 1), "row " + row);
        }
        float[] batch = model.predict(concat(vectors), vectors.size());
        for (int row = 0; row < vectors.size(); row++) {
            assertEquals(expected[row][0], batch[row], 1e-6, "row " + row + " in a batch");
        }
    }

    @Test
    void predict_sixteenThreadsOneVersion_equalSingleThread() throws Exception {
        float[] single = concatScores();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<float[]>> results = new ArrayList<>();
        try {
            for (int thread = 0; thread < THREADS; thread++) {
                results.add(pool.submit(() -> {
                    start.await();
                    float[] scores = new float[vectors.size()];
                    for (int round = 0; round < ROUNDS; round++) {
                        for (int row = 0; row < vectors.size(); row++) {
                            scores[row] = model.predict(vectors.get(row), 1)[0];
                        }
                    }
                    return scores;
                }));
            }
            start.countDown();
            for (Future<float[]> result : results) {
                assertArrayEquals(single, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void open_weightsOfAnotherLayout_refusedNamingTheTable() {
        FeatureVectorizer wider = new FeatureVectorizer(TRANSFORMS,
                Map.of("origin", Vocabulary.ordered(List.of("JFK"))),
                vectorizer.numericFits());

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ENGINE.open(weights, wider));

        assertTrue(refused.getMessage().contains("embedding of origin"), refused.getMessage());
    }

    @Test
    void placement_autoAndGpu_followTheGpusTheEngineSees() {
        DjlRuntime.Placement auto = ENGINE.placement();
        int gpus = auto.engine().getGpuCount();

        assertEquals(gpus > 0 ? Device.gpu() : Device.cpu(), auto.device());
        assertTrue(auto.describe().contains("setting=auto"), auto.describe());
        if (gpus == 0) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> DjlRuntime.place(DjlRuntime.DeviceSetting.GPU, Optional.empty()));
            assertTrue(refused.getMessage().contains("no GPU"), refused.getMessage());
        }
        assertEquals(Device.cpu(), DjlRuntime.place(DjlRuntime.DeviceSetting.CPU,
                Optional.empty()).device());
        assertEquals("true", System.getProperty("ai.djl.offline"));
    }

    private static float[] concatScores() {
        float[] scores = new float[expected.length];
        for (int row = 0; row < expected.length; row++) {
            scores[row] = expected[row][0];
        }
        return scores;
    }

    private static float[] concat(List<float[]> rows) {
        int width = rows.get(0).length;
        float[] all = new float[rows.size() * width];
        for (int row = 0; row < rows.size(); row++) {
            System.arraycopy(rows.get(row), 0, all, row * width, width);
        }
        return all;
    }
}
