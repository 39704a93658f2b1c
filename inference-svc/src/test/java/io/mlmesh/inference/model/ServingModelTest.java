package io.mlmesh.inference.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.inference.FlightsModel;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the premise of {@link ServingModel}'s lock-free prediction: XGBoost4J's in-place
 * predict on one shared booster, from many threads at once, gives exactly the single-thread
 * results, which equal a DMatrix predict of the same rows.
 */
class ServingModelTest {

    private static final int THREADS = 16;
    private static final int ROUNDS = 40;

    private static FlightsModel flights;
    private static ServingModel model;
    private static List<float[]> vectors;

    @BeforeAll
    static void trainModel() {
        flights = FlightsModel.trained();
        OnlineFeaturePlan online = OnlineFeaturePlan.of(List.of(FlightsModel.ORIGIN_STATS));
        model = new ServingModel(FlightsModel.MODEL, 1, "", "sha", Instant.EPOCH,
                flights.vectorizer(), online,
                RequestSchema.of(flights.vectorizer().transforms(), online), flights.booster());
        vectors = flights.heldOut().stream().map(flights::vectorOf).toList();
    }

    @Test
    void predict_batch_equalsDMatrixPredict() {
        float[] batch = concat(vectors);

        float[] scores = model.predict(batch, vectors.size());

        assertArrayEquals(flights.scoresOf(batch, vectors.size()), scores);
    }

    @Test
    void predict_linearBooster_predictsFromMatrixAsLogisticRegression() throws Exception {
        Booster linear = flights.linearBooster();
        ServingModel logistic = new ServingModel(FlightsModel.MODEL, 2, "", "sha", Instant.EPOCH,
                flights.vectorizer(), model.onlineFeatures(), model.requestSchema(),
                new XgboostScorer(linear, model.width(), false));
        float[] batch = concat(vectors);

        float[] scores = logistic.predict(batch, vectors.size());

        DMatrix matrix = new DMatrix(batch, vectors.size(), model.width(), Float.NaN);
        float[][] expected = linear.predict(matrix);
        matrix.dispose();
        for (int row = 0; row < vectors.size(); row++) {
            assertEquals(expected[row][0], scores[row]);
        }
        assertTrue(Arrays.stream(expected).map(p -> p[0]).distinct().count() > 1,
                "a fitted logistic regression scores rows differently");
    }

    @Test
    void predict_linearBoosterInPlace_failsAsEngineFailure() {
        ServingModel inPlace = new ServingModel(FlightsModel.MODEL, 2, "", "sha", Instant.EPOCH,
                flights.vectorizer(), model.onlineFeatures(), model.requestSchema(),
                new XgboostScorer(flights.linearBooster(), model.width(), true));

        InferenceException failure = assertThrows(InferenceException.class,
                () -> inPlace.predict(vectors.get(0), 1));

        assertEquals(InferenceException.Reason.ENGINE_FAILED, failure.reason());
    }

    @Test
    void predict_sixteenThreadsOneBooster_equalSingleThread() throws Exception {
        float[] single = singleRowScores();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<float[]>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            results.add(pool.submit(() -> {
                start.await();
                return scoresDifferingFrom(single);
            }));
        }

        start.countDown();

        for (Future<float[]> result : results) {
            assertArrayEquals(single, result.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
    }

    @Test
    void requestSchema_flightsBundle_requestFieldsWithKinds() {
        RequestSchema schema = model.requestSchema();

        Map<String, FieldKind> kinds = new LinkedHashMap<>();
        for (int i = 0; i < schema.size(); i++) {
            kinds.put(schema.column(i), schema.kind(i));
        }

        assertEquals(Map.of("date", FieldKind.TIME,
                "distance", FieldKind.NUMBER, "origin", FieldKind.TEXT,
                "destination", FieldKind.TEXT), kinds);
    }

    /** Predicts every row ROUNDS times; returns the first round, or the first differing one. */
    private static float[] scoresDifferingFrom(float[] expected) {
        float[] scores = new float[vectors.size()];
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < vectors.size(); i++) {
                scores[i] = model.predict(vectors.get(i), 1)[0];
            }
            if (!Arrays.equals(expected, scores)) {
                return scores;
            }
        }
        return scores;
    }

    private static float[] singleRowScores() {
        float[] scores = new float[vectors.size()];
        for (int i = 0; i < vectors.size(); i++) {
            scores[i] = model.predict(vectors.get(i), 1)[0];
        }
        return scores;
    }

    private static float[] concat(List<float[]> rows) {
        int width = rows.get(0).length;
        float[] batch = new float[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, batch, i * width, width);
        }
        return batch;
    }
}
