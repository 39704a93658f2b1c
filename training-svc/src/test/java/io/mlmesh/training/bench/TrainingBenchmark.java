package io.mlmesh.training.bench;

import io.mlmesh.core.data.SharedDatasets;
import io.mlmesh.core.metrics.BinaryMetrics;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.RowView;
import io.mlmesh.core.transform.TransformKind;
import io.mlmesh.training.data.FeatureMatrix;
import io.mlmesh.training.xgboost.TrainedModel;
import io.mlmesh.training.xgboost.XgboostParams;
import io.mlmesh.training.xgboost.XgboostTrainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Java half of {@code bench/training.sh}, not part of the test suite (its name matches
 * neither *Test nor *IT): reads a seeded sample of the 3M-flight Parquet file (train
 * January–May, test June) with DuckDB, builds the inputs with the core vectorizer (hour,
 * weekday, distance, origin and destination indices), trains our gradient-boosted trees and
 * logistic regression with {@link XgboostTrainer}, and writes the matrices (float32, little
 * endian) and our figures to {@code $BENCH_DIR} for the Python half to train on the same rows.
 */
class TrainingBenchmark {

    private static final int TRAIN_ROWS = rowsFromEnvironment("BENCH_TRAIN_ROWS", 200_000);
    private static final int TEST_ROWS = rowsFromEnvironment("BENCH_TEST_ROWS", 50_000);
    private static final int REPEATS = 3;
    /** The tree parameters Python's xgboost gets too (bench/training.py). */
    private static final Map<String, String> TREE_PARAMS = Map.of("max_depth", "6", "eta", "0.1",
            "num_round", "100", "tree_method", "hist", "nthread", "2", "seed", "42");
    private static final List<FeatureTransform> TRANSFORMS = List.of(
            new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date"),
            new FeatureTransform("weekday", TransformKind.DAY_OF_WEEK, "date"),
            new FeatureTransform("distance", TransformKind.NUMERIC, "distance"),
            new FeatureTransform("origin", TransformKind.CATEGORY_INDEX, "origin"),
            new FeatureTransform("destination", TransformKind.CATEGORY_INDEX, "destination"));

    /**
     * Training time is measured like Python's: building the matrices and boosting with a train
     * and a validation watch per round ({@code trainEarlyStopped} with a patience that never
     * stops early). A job's {@code train} also scores the test rows and computes their SHAP
     * values; that is timed once, apart.
     */
    @Test
    void run() throws Exception {
        Path out = Path.of(System.getenv("BENCH_DIR"));
        List<Flight> train = read("month(date) <= 5", TRAIN_ROWS);
        List<Flight> test = read("month(date) = 6", TEST_ROWS);
        FeatureVectorizer vectorizer = FeatureVectorizer.fit(TRANSFORMS, train);
        FeatureMatrix trainMatrix = matrix(train, vectorizer);
        FeatureMatrix testMatrix = matrix(test, vectorizer);
        write(out, "train", trainMatrix);
        write(out, "test", testMatrix);

        XgboostTrainer trainer = new XgboostTrainer();
        XgboostParams treeParams = XgboostParams.withDefaults(TREE_PARAMS);
        double[] treeSeconds = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            long start = System.nanoTime();
            trainer.trainEarlyStopped(trainMatrix, testMatrix, treeParams,
                    treeParams.numRounds(), (round, total, trainLoss, validationLoss) -> { });
            treeSeconds[i] = (System.nanoTime() - start) / 1e9;
        }
        long jobStart = System.nanoTime();
        TrainedModel trees = trainer.train(trainMatrix, testMatrix, treeParams,
                (round, total, trainLoss, validationLoss) -> { });
        double jobSeconds = (System.nanoTime() - jobStart) / 1e9;
        TrainedModel linear = trainer.train(trainMatrix, testMatrix, XgboostParams.withDefaults(
                XgboostParams.LINEAR_DEFAULTS, Map.of()), (round, total, trainLoss,
                        validationLoss) -> { });

        Arrays.sort(treeSeconds);
        String json = String.format(Locale.ROOT, "{\"train_rows\": %d, \"test_rows\": %d,"
                + " \"inputs\": %s, \"mlmesh_xgboost_auc\": %.6f,"
                + " \"mlmesh_logistic_regression_auc\": %.6f,"
                + " \"mlmesh_xgboost_train_seconds\": %s,"
                + " \"mlmesh_xgboost_with_scoring_and_shap_seconds\": %.3f}%n",
                trainMatrix.rows(), testMatrix.rows(), quoted(vectorizer.featureNames()),
                BinaryMetrics.auc(trees.testScores(), testMatrix.intLabels()),
                BinaryMetrics.auc(linear.testScores(), testMatrix.intLabels()),
                Arrays.toString(treeSeconds), jobSeconds);
        Files.writeString(out.resolve("mlmesh.json"), json);
    }

    /** One flight as the vectorizer reads it. */
    private record Flight(long timeMicros, double delay, double distance, String origin,
            String destination) implements RowView {

        @Override
        public double number(String column) {
            return "distance".equals(column) ? distance : Double.NaN;
        }

        @Override
        public String text(String column) {
            return switch (column) {
                case "origin" -> origin;
                case "destination" -> destination;
                default -> null;
            };
        }

        @Override
        public long timeMicros(String column) {
            return "date".equals(column) ? timeMicros : MISSING_TIME;
        }
    }

    private static List<Flight> read(String where, int rows) throws SQLException {
        Path parquet = SharedDatasets.file("flights/flights-3m.parquet");
        String sql = "SELECT * FROM (SELECT epoch_us(date::TIMESTAMP) AS micros, delay,"
                + " distance, origin, destination FROM read_parquet('" + parquet + "') WHERE "
                + where + ") USING SAMPLE reservoir(" + rows + " ROWS) REPEATABLE (42)";
        List<Flight> flights = new ArrayList<>();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duckdb.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                flights.add(new Flight(result.getLong(1), result.getDouble(2),
                        result.getDouble(3), result.getString(4), result.getString(5)));
            }
        }
        return flights;
    }

    private static FeatureMatrix matrix(List<Flight> flights, FeatureVectorizer vectorizer) {
        int width = vectorizer.width();
        float[] values = new float[flights.size() * width];
        float[] labels = new float[flights.size()];
        for (int row = 0; row < flights.size(); row++) {
            vectorizer.vectorize(flights.get(row), values, row * width);
            labels[row] = flights.get(row).delay() > 15 ? 1f : 0f;
        }
        return new FeatureMatrix(values, labels, flights.size(), width);
    }

    private static void write(Path out, String name, FeatureMatrix matrix) throws IOException {
        Files.write(out.resolve(name + "_x.f32"), bytes(matrix.values()));
        Files.write(out.resolve(name + "_y.f32"), bytes(matrix.labels()));
    }

    private static byte[] bytes(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    private static int rowsFromEnvironment(String name, int otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : Integer.parseInt(value);
    }

    private static String quoted(List<String> names) {
        return names.stream().map(name -> "\"" + name + "\"")
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
