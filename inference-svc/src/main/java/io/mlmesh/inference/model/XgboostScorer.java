package io.mlmesh.inference.model;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * XGBoost4J's prediction on one booster: in place for trees; from a DMatrix made per call for
 * the linear booster (logistic regression), which XGBoost cannot predict in place. XGBoost keeps
 * its working buffers per calling thread (the C API's thread-local prediction entry) and the
 * Java wrapper holds no mutable state, so no lock is taken. A replaced version is never disposed
 * explicitly: requests still running on it finish, and the booster's finalizer frees the native
 * model once nothing refers to it.
 *
 * @param booster the engine
 * @param width the inputs per row
 * @param inPlace whether the booster predicts in place (false for {@code gblinear})
 */
public record XgboostScorer(Booster booster, int width, boolean inPlace) implements ModelScorer {

    /** A scorer of trees, predicting in place. */
    public XgboostScorer(Booster booster, int width) {
        this(booster, width, true);
    }

    @Override
    public float[] predict(float[] rows, int rowCount) throws XGBoostError {
        float[][] output = inPlace ? booster.inplace_predict(rows, rowCount, width, Float.NaN)
                : predictFromMatrix(rows, rowCount);
        float[] scores = new float[rowCount];
        for (int row = 0; row < rowCount; row++) {
            scores[row] = output[row][0];
        }
        return scores;
    }

    private float[][] predictFromMatrix(float[] rows, int rowCount) throws XGBoostError {
        DMatrix matrix = new DMatrix(rows, rowCount, width, Float.NaN);
        try {
            return booster.predict(matrix);
        } finally {
            matrix.dispose();
        }
    }
}
