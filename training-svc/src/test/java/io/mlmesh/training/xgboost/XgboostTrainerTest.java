package io.mlmesh.training.xgboost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.core.metrics.BinaryMetrics;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.TransformKind;
import io.mlmesh.training.FlightsCsv;
import io.mlmesh.training.data.FeatureMatrix;
import io.mlmesh.training.data.LabelRule;
import io.mlmesh.training.data.MatrixBuilder;
import io.mlmesh.training.data.TrainingSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.Test;

class XgboostTrainerTest {

    private static final List<FeatureTransform> TRANSFORMS = List.of(
            new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date"),
            new FeatureTransform("weekday", TransformKind.DAY_OF_WEEK, "date"),
            new FeatureTransform("distance", TransformKind.NUMERIC, "distance"),
            new FeatureTransform("origin", TransformKind.CATEGORY_INDEX, "origin"),
            new FeatureTransform("destination", TransformKind.CATEGORY_INDEX, "destination"),
            new FeatureTransform("origin_late_share", TransformKind.NUMERIC,
                    FlightsCsv.FEATURE_COLUMN));
    private static final LabelRule LATE = new LabelRule("delay", FlightsCsv.LATE_MINUTES);

    private final XgboostTrainer trainer = new XgboostTrainer();

    @Test
    void train_realFlights_heldOutAucAboveSixTenthsAndModelReloads() throws Exception {
        List<FlightsCsv.Flight> flights = FlightsCsv.read();
        TrainingSet train = FlightsCsv.trainingSet(flights.subList(0, 15_000));
        TrainingSet test = FlightsCsv.trainingSet(flights.subList(15_000, flights.size()));
        FeatureVectorizer vectorizer = MatrixBuilder.fit(TRANSFORMS, train);
        FeatureMatrix trainMatrix = MatrixBuilder.build(train, vectorizer, LATE);
        FeatureMatrix testMatrix = MatrixBuilder.build(test, vectorizer, LATE);
        List<double[]> rounds = new ArrayList<>();

        TrainedModel model = trainer.train(trainMatrix, testMatrix,
                XgboostParams.withDefaults(Map.of("num_round", "20")),
                (round, total, trainLoss, validationLoss) ->
                        rounds.add(new double[] {round, total, trainLoss, validationLoss}));

        double auc = BinaryMetrics.auc(model.testScores(), testMatrix.intLabels());
        assertTrue(auc > 0.6, "held-out AUC " + auc);
        assertEquals(20, rounds.size());
        assertEquals(1, rounds.get(0)[0]);
        assertEquals(20, rounds.get(19)[1]);
        assertTrue(rounds.get(19)[2] < rounds.get(0)[2], "train loss falls over rounds");
        assertTrue(rounds.get(19)[3] < rounds.get(0)[3], "validation loss falls over rounds");
        assertArrayEquals(model.testScores(), reloadedScores(model.modelBytes(), testMatrix));
    }

    @Test
    void contributions_realFlightsTrees_plusBiasSumToMarginAndRankInputs() throws Exception {
        FeatureMatrix[] matrices = flightMatrices();

        TrainedModel model = trainer.train(matrices[0], matrices[1],
                XgboostParams.withDefaults(Map.of("num_round", "20")),
                (round, total, trainLoss, validationLoss) -> { });

        Booster booster = XGBoost.loadModel(model.modelBytes());
        DMatrix test = XgboostTrainer.toDMatrix(matrices[1]);
        try {
            float[][] contributions = ShapExplainer.contributions(booster, test);
            float[][] margins = booster.predict(test, true);
            assertEquals(matrices[1].rows(), contributions.length);
            for (int row = 0; row < contributions.length; row++) {
                assertEquals(TRANSFORMS.size() + 1, contributions[row].length);
                double sum = 0;
                for (float contribution : contributions[row]) {
                    sum += contribution;
                }
                assertEquals(margins[row][0], sum, 1e-4, "row " + row);
            }
        } finally {
            test.dispose();
            booster.dispose();
        }
        double[] importance = model.meanAbsContributions();
        assertEquals(TRANSFORMS.size(), importance.length);
        for (int feature = 1; feature < importance.length; feature++) {
            assertTrue(importance[0] > 2 * importance[feature], "departure hour leads: "
                    + Arrays.toString(importance));
        }
    }

    @Test
    void train_logisticRegression_realFlightsBelowTreesAndNanScoresAsZero() throws Exception {
        FeatureMatrix[] matrices = flightMatrices();
        XgboostParams linear = XgboostParams.withDefaults(XgboostParams.LINEAR_DEFAULTS,
                Map.of());
        List<Double> validationLosses = new ArrayList<>();

        TrainedModel model = trainer.train(matrices[0], matrices[1], linear,
                (round, total, trainLoss, validationLoss) -> validationLosses.add(validationLoss));
        TrainedModel trees = trainer.train(matrices[0], matrices[1],
                XgboostParams.withDefaults(Map.of("num_round", "20")),
                (round, total, trainLoss, validationLoss) -> { });

        double auc = BinaryMetrics.auc(model.testScores(), matrices[1].intLabels());
        double treesAuc = BinaryMetrics.auc(trees.testScores(), matrices[1].intLabels());
        assertTrue(auc > 0.6 && auc < treesAuc, "linear " + auc + " trees " + treesAuc);
        assertEquals(100, validationLosses.size());
        assertEquals(validationLosses.get(98), validationLosses.get(99), 1e-5, "converged");
        float[] zeroAndMissing = new float[2 * TRANSFORMS.size()];
        Arrays.fill(zeroAndMissing, TRANSFORMS.size(), zeroAndMissing.length, Float.NaN);
        double[] scores = reloadedScores(model.modelBytes(), new FeatureMatrix(zeroAndMissing,
                new float[2], 2, TRANSFORMS.size()));
        assertEquals(scores[0], scores[1], 0.0, "the linear booster reads missing as 0");
    }

    @Test
    void train_nanInput_followsMissingBranchNotZero() throws Exception {
        FeatureMatrix matrix = nanVersusZero();

        TrainedModel model = trainer.train(matrix, matrix,
                XgboostParams.withDefaults(Map.of("num_round", "10", "eta", "0.5")),
                (round, total, trainLoss, validationLoss) -> { });

        double[] scores = reloadedScores(model.modelBytes(), new FeatureMatrix(
                new float[] {0f, Float.NaN}, new float[] {0f, 0f}, 2, 1));
        assertTrue(scores[0] > 0.8, "a zero input scores as the zero rows: " + scores[0]);
        assertTrue(scores[1] < 0.2, "a NaN input scores as the missing rows: " + scores[1]);
    }

    @Test
    void trainEarlyStopped_overfittingTrees_stopsPatienceRoundsAfterBestValidationLoss()
            throws Exception {
        FeatureMatrix[] matrices = flightMatrices();
        List<Double> validationLosses = new ArrayList<>();

        XgboostTrainer.EarlyStopped stopped = trainer.trainEarlyStopped(matrices[0], matrices[1],
                XgboostParams.withDefaults(Map.of("num_round", "300", "eta", "0.5",
                        "max_depth", "10")), 5,
                (round, total, trainLoss, validationLoss) -> validationLosses.add(validationLoss));

        assertTrue(stopped.roundsRun() < 300, "stopped early at " + stopped.roundsRun());
        assertEquals(stopped.bestRound() + 5, stopped.roundsRun());
        assertEquals(validationLosses.size(), stopped.roundsRun());
        double lowest = validationLosses.stream().mapToDouble(Double::doubleValue).min()
                .orElseThrow();
        assertEquals(lowest, stopped.bestLoss(), 0.0);
        assertEquals(lowest, validationLosses.get(stopped.bestRound() - 1), 0.0);
    }

    @Test
    void train_listenerThrows_stopsAtThatRound() {
        FeatureMatrix matrix = nanVersusZero();
        List<Integer> seen = new ArrayList<>();

        IllegalStateException stop = assertThrows(IllegalStateException.class,
                () -> trainer.train(matrix, matrix, XgboostParams.withDefaults(Map.of()),
                        (round, total, trainLoss, validationLoss) -> {
                            seen.add(round);
                            if (round == 3) {
                                throw new IllegalStateException("stop at 3");
                            }
                        }));

        assertEquals("stop at 3", stop.getMessage());
        assertEquals(List.of(1, 2, 3), seen);
    }

    @Test
    void train_unknownParameterValue_failsWithEngineError() {
        FeatureMatrix matrix = nanVersusZero();

        XGBoostError error = assertThrows(XGBoostError.class,
                () -> trainer.train(matrix, matrix,
                        XgboostParams.withDefaults(Map.of("objective", "no:such")),
                        (round, total, trainLoss, validationLoss) -> { }));

        assertTrue(error.getMessage().contains("no:such"), error.getMessage());
    }

    /** Flights before row 15,000 to train, the rest to test. */
    private static FeatureMatrix[] flightMatrices() {
        List<FlightsCsv.Flight> flights = FlightsCsv.read();
        TrainingSet train = FlightsCsv.trainingSet(flights.subList(0, 15_000));
        TrainingSet test = FlightsCsv.trainingSet(flights.subList(15_000, flights.size()));
        FeatureVectorizer vectorizer = MatrixBuilder.fit(TRANSFORMS, train);
        return new FeatureMatrix[] {MatrixBuilder.build(train, vectorizer, LATE),
                MatrixBuilder.build(test, vectorizer, LATE)};
    }

    /** Rows with input 0 are positive, rows with a missing input negative. */
    private static FeatureMatrix nanVersusZero() {
        int rows = 200;
        float[] values = new float[rows];
        float[] labels = new float[rows];
        for (int i = 0; i < rows; i++) {
            boolean zero = i % 2 == 0;
            values[i] = zero ? 0f : Float.NaN;
            labels[i] = zero ? 1f : 0f;
        }
        return new FeatureMatrix(values, labels, rows, 1);
    }

    private static double[] reloadedScores(byte[] modelBytes, FeatureMatrix matrix)
            throws Exception {
        Booster booster = XGBoost.loadModel(modelBytes);
        DMatrix dmatrix = XgboostTrainer.toDMatrix(matrix);
        try {
            float[][] predictions = booster.predict(dmatrix);
            double[] scores = new double[predictions.length];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = predictions[i][0];
            }
            return scores;
        } finally {
            dmatrix.dispose();
            booster.dispose();
        }
    }
}
