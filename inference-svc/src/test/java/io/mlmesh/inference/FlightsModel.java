package io.mlmesh.inference;

import io.mlmesh.core.model.BundleManifest;
import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.core.model.OnlineFeatureRef;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.RowView;
import io.mlmesh.core.transform.TransformKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A small real model for tests: XGBoost trained on the first rows of
 * {@code data/flights-20k.csv} (label delay > 15) with core's transforms, including two online
 * features of an {@code origin_stats} view computed from the same rows, packaged as a core
 * {@link ModelBundle}. The reference scores come from the same vectorizer and a booster read
 * back from the bundle's bytes, predicting through a DMatrix as a batch scorer would.
 */
public final class FlightsModel {

    public static final String MODEL = "flights-delay";
    public static final OnlineFeatureRef ORIGIN_STATS = new OnlineFeatureRef(
            "origin_stats", 1, "origin", List.of("flights", "delay_share"));

    private static final Path CSV = Path.of("..", "data", "flights-20k.csv");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");
    private static final int TRAIN_ROWS = 5000;
    private static final int HELD_OUT_ROWS = 40;
    private static final Map<String, Object> TREE_PARAMS = Map.of("objective",
            "binary:logistic", "max_depth", 4, "eta", 0.3, "nthread", 1, "seed", 7);
    private static final Map<String, Object> LINEAR_PARAMS = Map.of("objective",
            "binary:logistic", "booster", "gblinear", "updater", "coord_descent", "nthread", 1);
    private static FlightsModel trained;

    /** One source row. */
    public record Flight(long dateMicros, double delay, double distance, String origin,
            String destination) {
    }

    private final byte[] bundleBytes;
    private final ModelBundle bundle;
    private final FeatureVectorizer vectorizer;
    private final Booster booster;
    private final byte[] linearBoosterBytes;
    private final Map<String, double[]> originStats;
    private final List<Flight> heldOut;

    private FlightsModel(byte[] bundleBytes, byte[] linearBoosterBytes,
            Map<String, double[]> originStats, List<Flight> heldOut)
            throws XGBoostError, IOException {
        this.bundleBytes = bundleBytes;
        this.linearBoosterBytes = linearBoosterBytes;
        this.bundle = ModelBundle.fromBytes(bundleBytes);
        this.vectorizer = bundle.vectorizer();
        this.booster = XGBoost.loadModel(bundle.modelBytes());
        this.originStats = originStats;
        this.heldOut = heldOut;
    }

    /** The model, trained once per class loader. */
    public static synchronized FlightsModel trained() {
        if (trained == null) {
            trained = train();
        }
        return trained;
    }

    public byte[] bundleBytes() {
        return bundleBytes.clone();
    }

    public FeatureVectorizer vectorizer() {
        return vectorizer;
    }

    public Booster booster() {
        return booster;
    }

    /** The online feature values by origin: flights, delay share. */
    public Map<String, double[]> originStats() {
        return originStats;
    }

    /** Rows after the training rows. */
    public List<Flight> heldOut() {
        return heldOut;
    }

    /** The model input of a flight; unknown origins get missing online features. */
    public float[] vectorOf(Flight flight) {
        return vectorizer.vectorize(rowOf(flight, originStats.get(flight.origin())));
    }

    /** The booster's probability for vectors laid out row after row. */
    public float[] scoresOf(float[] rows, int rowCount) {
        try {
            DMatrix matrix = new DMatrix(rows, rowCount, vectorizer.width(), Float.NaN);
            float[][] predictions = booster.predict(matrix);
            matrix.dispose();
            float[] scores = new float[rowCount];
            for (int row = 0; row < rowCount; row++) {
                scores[row] = predictions[row][0];
            }
            return scores;
        } catch (XGBoostError e) {
            throw new IllegalStateException(e);
        }
    }

    public float scoreOf(Flight flight) {
        return scoresOf(vectorOf(flight), 1)[0];
    }

    /** A flight as a row, with the given online values (null: missing). */
    public static RowView rowOf(Flight flight, double[] stats) {
        Map<String, Double> numbers = new HashMap<>();
        if (!Double.isNaN(flight.distance())) {
            numbers.put("distance", flight.distance());
        }
        if (stats != null) {
            numbers.put(ORIGIN_STATS.columnOf("flights"), stats[0]);
            numbers.put(ORIGIN_STATS.columnOf("delay_share"), stats[1]);
        }
        return new MapRow(numbers,
                Map.of("origin", flight.origin(), "destination", flight.destination()),
                Map.of("date", flight.dateMicros()));
    }

    /**
     * A logistic regression (XGBoost's linear booster) on the same training vectors: the
     * booster that predicts only from a DMatrix, never in place.
     */
    public Booster linearBooster() {
        try {
            return XGBoost.loadModel(linearBoosterBytes);
        } catch (XGBoostError | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FlightsModel train() {
        List<Flight> flights = read(TRAIN_ROWS + HELD_OUT_ROWS);
        List<Flight> training = flights.subList(0, TRAIN_ROWS);
        Map<String, double[]> stats = originStatsOf(training);
        FeatureVectorizer vectorizer = FeatureVectorizer.fit(transforms(), Map.of(
                "origin", training.stream().map(Flight::origin).toList(),
                "destination", training.stream().map(Flight::destination).toList()));
        try {
            byte[] model = trainBooster(training, stats, vectorizer, TREE_PARAMS);
            byte[] linear = trainBooster(training, stats, vectorizer, LINEAR_PARAMS);
            BundleManifest manifest = new BundleManifest("xgboost", vectorizer.transforms(),
                    ModelBundle.vocabulariesOf(vectorizer), List.of(ORIGIN_STATS), "delay", 15,
                    Map.of("max_depth", "4", "rounds", "30"));
            return new FlightsModel(new ModelBundle(manifest, model).toBytes(), linear, stats,
                    List.copyOf(flights.subList(TRAIN_ROWS, flights.size())));
        } catch (XGBoostError | IOException e) {
            throw new IllegalStateException("test model training failed", e);
        }
    }

    private static List<FeatureTransform> transforms() {
        return List.of(
                new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date"),
                new FeatureTransform("weekday", TransformKind.DAY_OF_WEEK, "date"),
                new FeatureTransform("month", TransformKind.MONTH, "date"),
                new FeatureTransform("distance", TransformKind.NUMERIC, "distance"),
                new FeatureTransform("origin", TransformKind.CATEGORY_INDEX, "origin"),
                new FeatureTransform("destination", TransformKind.CATEGORY_INDEX, "destination"),
                new FeatureTransform("origin_flights", TransformKind.NUMERIC,
                        ORIGIN_STATS.columnOf("flights")),
                new FeatureTransform("origin_delay_share", TransformKind.NUMERIC,
                        ORIGIN_STATS.columnOf("delay_share")));
    }

    private static byte[] trainBooster(List<Flight> training, Map<String, double[]> stats,
            FeatureVectorizer vectorizer, Map<String, Object> params) throws XGBoostError {
        int width = vectorizer.width();
        float[] rows = new float[training.size() * width];
        float[] labels = new float[training.size()];
        for (int i = 0; i < training.size(); i++) {
            Flight flight = training.get(i);
            vectorizer.vectorize(rowOf(flight, stats.get(flight.origin())), rows, i * width);
            labels[i] = flight.delay() > 15 ? 1f : 0f;
        }
        DMatrix matrix = new DMatrix(rows, training.size(), width, Float.NaN);
        matrix.setLabel(labels);
        Booster booster = XGBoost.train(matrix, params, 30, Map.of(), null, null);
        matrix.dispose();
        return booster.toByteArray("ubj");
    }

    private static Map<String, double[]> originStatsOf(List<Flight> flights) {
        Map<String, double[]> sums = new HashMap<>();
        for (Flight flight : flights) {
            double[] sum = sums.computeIfAbsent(flight.origin(), origin -> new double[2]);
            sum[0]++;
            sum[1] += flight.delay() > 15 ? 1 : 0;
        }
        sums.values().forEach(sum -> sum[1] /= sum[0]);
        return Map.copyOf(sums);
    }

    private static List<Flight> read(int rows) {
        try (Stream<String> lines = Files.lines(CSV)) {
            return lines.skip(1).limit(rows).map(FlightsModel::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CSV.toAbsolutePath(), e);
        }
    }

    private static Flight parse(String line) {
        String[] columns = line.split(",");
        long seconds = LocalDateTime.parse(columns[0], DATE).toEpochSecond(ZoneOffset.UTC);
        return new Flight(seconds * 1_000_000L, Double.parseDouble(columns[1]),
                Double.parseDouble(columns[2]), columns[3], columns[4]);
    }
}
