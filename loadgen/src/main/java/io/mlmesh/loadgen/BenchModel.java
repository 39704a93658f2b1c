package io.mlmesh.loadgen;

import io.mlmesh.core.model.BundleManifest;
import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.TransformKind;
import io.mlmesh.loadgen.FlightRows.Flight;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The flights GBDT the benchmark serves, trained in a second or two: the demo model's eight
 * inputs (hour, weekday, distance, origin, destination, and three aggregates of the origin
 * airport: flights, late share, mean delay) with core's transforms, XGBoost with the demo's
 * depth, packaged as the bundle inference-svc loads. The origin aggregates are computed over
 * the training rows rather than read point-in-time from the feature store: the benchmark
 * measures serving, and ModelInfer takes finished vectors either way.
 *
 * @param bundle the artifact to register
 * @param vectors model inputs of the rows after the training rows, one array per row
 */
record BenchModel(ModelBundle bundle, List<float[]> vectors) {

    private static final String FLIGHTS = "origin_flights";
    private static final String LATE_SHARE = "origin_late_share";
    private static final String MEAN_DELAY = "origin_mean_delay";

    /**
     * Trains on the first {@code trainRows} flights and vectorizes the rest.
     *
     * @param rounds boosting rounds
     */
    static BenchModel train(List<Flight> flights, int trainRows, int rounds) {
        if (trainRows <= 0 || trainRows >= flights.size()) {
            throw new IllegalArgumentException("train rows must be between 1 and "
                    + (flights.size() - 1) + ", not " + trainRows);
        }
        List<Flight> training = flights.subList(0, trainRows);
        Map<String, Map<String, Double>> aggregates = originAggregates(training);
        FeatureVectorizer vectorizer = FeatureVectorizer.fit(transforms(), Map.of(
                "origin", training.stream().map(Flight::origin).toList(),
                "destination", training.stream().map(Flight::destination).toList()));

        Map<String, String> params = Map.of("max_depth", "6", "rounds",
                Integer.toString(rounds), "objective", "binary:logistic");
        BundleManifest manifest = new BundleManifest("xgboost", vectorizer.transforms(),
                ModelBundle.vocabulariesOf(vectorizer), List.of(), "delay", 15, params);
        byte[] model = trainBooster(training, aggregates, vectorizer, rounds);
        List<float[]> vectors = flights.subList(trainRows, flights.size()).stream()
                .map(flight -> vectorizer.vectorize(flight.row(
                        aggregates.getOrDefault(flight.origin(), Map.of()))))
                .toList();
        return new BenchModel(new ModelBundle(manifest, model), vectors);
    }

    private static List<FeatureTransform> transforms() {
        return List.of(
                new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date"),
                new FeatureTransform("weekday", TransformKind.DAY_OF_WEEK, "date"),
                new FeatureTransform("distance", TransformKind.NUMERIC, "distance"),
                new FeatureTransform("origin", TransformKind.CATEGORY_INDEX, "origin"),
                new FeatureTransform("destination", TransformKind.CATEGORY_INDEX, "destination"),
                new FeatureTransform(FLIGHTS, TransformKind.NUMERIC, FLIGHTS),
                new FeatureTransform(LATE_SHARE, TransformKind.NUMERIC, LATE_SHARE),
                new FeatureTransform(MEAN_DELAY, TransformKind.NUMERIC, MEAN_DELAY));
    }

    private static byte[] trainBooster(List<Flight> training,
            Map<String, Map<String, Double>> aggregates, FeatureVectorizer vectorizer,
            int rounds) {
        int width = vectorizer.width();
        float[] rows = new float[training.size() * width];
        float[] labels = new float[training.size()];
        for (int i = 0; i < training.size(); i++) {
            Flight flight = training.get(i);
            vectorizer.vectorize(flight.row(aggregates.get(flight.origin())), rows, i * width);
            labels[i] = flight.late() ? 1f : 0f;
        }

        try {
            DMatrix matrix = new DMatrix(rows, training.size(), width, Float.NaN);
            matrix.setLabel(labels);
            Map<String, Object> params = Map.of("objective", "binary:logistic",
                    "max_depth", 6, "eta", 0.3, "tree_method", "hist", "nthread", 1, "seed", 7);
            Booster booster = XGBoost.train(matrix, params, rounds, Map.of(), null, null);
            matrix.dispose();
            return booster.toByteArray("ubj");
        } catch (XGBoostError e) {
            throw new IllegalStateException("training the benchmark model failed", e);
        }
    }

    /** Per origin: its flights, late share and mean delay over the training rows. */
    private static Map<String, Map<String, Double>> originAggregates(List<Flight> training) {
        Map<String, double[]> sums = new HashMap<>();
        for (Flight flight : training) {
            double[] sum = sums.computeIfAbsent(flight.origin(), origin -> new double[3]);
            sum[0]++;
            sum[1] += flight.late() ? 1 : 0;
            sum[2] += flight.delay();
        }
        Map<String, Map<String, Double>> aggregates = new HashMap<>();
        sums.forEach((origin, sum) -> aggregates.put(origin, Map.of(
                FLIGHTS, sum[0], LATE_SHARE, sum[1] / sum[0], MEAN_DELAY, sum[2] / sum[0])));
        return aggregates;
    }
}
