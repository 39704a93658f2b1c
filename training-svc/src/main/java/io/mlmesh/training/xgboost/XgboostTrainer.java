package io.mlmesh.training.xgboost;

import io.mlmesh.training.data.FeatureMatrix;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains an XGBoost model (gradient-boosted trees, or logistic regression through the linear
 * booster) with XGBoost4J, one round at a time, then scores and explains the test rows.
 *
 * <p>Design: rather than one {@code XGBoost.train} call, the booster is created with no rounds
 * and then updated round by round, so that each round can report train and validation loss and
 * a cancel can stop training between two rounds. Matrices are built with NaN as the missing
 * value, the value the core vectorizer gives a missing input: a missing input follows the
 * tree's learned default branch, it is never read as zero. The linear booster skips a missing
 * input: it adds nothing to the margin, which is exactly what an input of 0 adds, so for
 * logistic regression missing means 0 in training and serving alike. Native memory (matrices,
 * booster) is released before returning, whatever happens.
 *
 * <p>Stateless and thread-safe; each call uses the threads its {@code nthread} parameter asks.
 */
public final class XgboostTrainer {

    /** The serialization of the booster stored in model bundles (Universal Binary JSON). */
    public static final String MODEL_FORMAT = "ubj";

    private static final String[] WATCH_NAMES = {"train", "validation"};

    /**
     * Trains on {@code train}, reporting each round's losses on {@code train} and
     * {@code test}, then scores {@code test} and explains it ({@link ShapExplainer}).
     *
     * @throws XGBoostError when the engine rejects the parameters or the data
     */
    public TrainedModel train(FeatureMatrix train, FeatureMatrix test, XgboostParams params,
            RoundListener listener) throws XGBoostError {
        return withMatrices(train, test, (trainMatrix, testMatrix) ->
                boost(trainMatrix, testMatrix, test.width(), params, listener));
    }

    /**
     * The outcome of an early-stopped training.
     *
     * @param bestRound the round (from 1) with the lowest validation loss
     * @param bestLoss that loss
     * @param roundsRun the rounds trained before stopping
     */
    public record EarlyStopped(int bestRound, double bestLoss, int roundsRun) {
    }

    /**
     * Trains on {@code train} until the validation loss has not improved for {@code patience}
     * rounds, or {@code num_round} rounds; what cross-validation asks of one fold.
     *
     * @throws XGBoostError when the engine rejects the parameters or the data
     */
    public EarlyStopped trainEarlyStopped(FeatureMatrix train, FeatureMatrix validation,
            XgboostParams params, int patience, RoundListener listener) throws XGBoostError {
        return withMatrices(train, validation, (trainMatrix, validationMatrix) ->
                boostUntilStale(trainMatrix, validationMatrix, params, patience, listener));
    }

    /** Work on two native matrices, both released whatever happens. */
    private interface MatrixWork<T> {
        T apply(DMatrix train, DMatrix test) throws XGBoostError;
    }

    private static <T> T withMatrices(FeatureMatrix train, FeatureMatrix test,
            MatrixWork<T> work) throws XGBoostError {
        DMatrix trainMatrix = toDMatrix(train);
        try {
            DMatrix testMatrix = toDMatrix(test);
            try {
                return work.apply(trainMatrix, testMatrix);
            } finally {
                testMatrix.dispose();
            }
        } finally {
            trainMatrix.dispose();
        }
    }

    private static EarlyStopped boostUntilStale(DMatrix trainMatrix, DMatrix validationMatrix,
            XgboostParams params, int patience, RoundListener listener) throws XGBoostError {
        int totalRounds = params.numRounds();
        DMatrix[] watches = {trainMatrix, validationMatrix};
        Booster booster = XGBoost.train(trainMatrix, params.boosterParams(), 0, Map.of(),
                null, null);
        try {
            int bestRound = 0;
            double bestLoss = Double.POSITIVE_INFINITY;
            int round = 0;
            while (round < totalRounds && round - bestRound < patience) {
                booster.update(trainMatrix, round);
                float[] losses = new float[watches.length];
                booster.evalSet(watches, WATCH_NAMES, round, losses);
                round++;
                listener.onRound(round, totalRounds, losses[0], losses[1]);
                if (losses[1] < bestLoss) {
                    bestLoss = losses[1];
                    bestRound = round;
                }
            }
            return new EarlyStopped(bestRound, bestLoss, round);
        } finally {
            booster.dispose();
        }
    }

    /** A matrix in which NaN, and only NaN, means missing. */
    public static DMatrix toDMatrix(FeatureMatrix matrix) throws XGBoostError {
        DMatrix dmatrix = new DMatrix(matrix.values(), matrix.rows(), matrix.width(), Float.NaN);
        dmatrix.setLabel(matrix.labels());
        return dmatrix;
    }

    private static TrainedModel boost(DMatrix trainMatrix, DMatrix testMatrix, int width,
            XgboostParams params, RoundListener listener) throws XGBoostError {
        int totalRounds = params.numRounds();
        DMatrix[] watches = {trainMatrix, testMatrix};
        Booster booster = XGBoost.train(trainMatrix, params.boosterParams(), 0, Map.of(),
                null, null);
        try {
            for (int round = 0; round < totalRounds; round++) {
                booster.update(trainMatrix, round);
                float[] losses = new float[watches.length];
                booster.evalSet(watches, WATCH_NAMES, round, losses);
                listener.onRound(round + 1, totalRounds, losses[0], losses[1]);
            }
            return new TrainedModel(booster.toByteArray(MODEL_FORMAT), scores(booster, testMatrix),
                    ShapExplainer.meanAbsContributions(booster, testMatrix, width));
        } finally {
            booster.dispose();
        }
    }

    private static double[] scores(Booster booster, DMatrix matrix) throws XGBoostError {
        float[][] predictions = booster.predict(matrix);
        double[] scores = new double[predictions.length];
        for (int i = 0; i < predictions.length; i++) {
            scores[i] = predictions[i][0];
        }
        return scores;
    }
}
