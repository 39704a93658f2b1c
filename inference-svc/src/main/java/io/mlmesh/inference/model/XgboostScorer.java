package io.mlmesh.inference.model;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * XGBoost4J's in-place prediction on one booster. XGBoost keeps its working buffers per calling
 * thread (the C API's thread-local prediction entry) and the Java wrapper holds no mutable
 * state, so no lock is taken. A replaced version is never disposed explicitly: requests still
 * running on it finish, and the booster's finalizer frees the native model once nothing refers
 * to it.
 *
 * @param booster the engine
 * @param width the inputs per row
 */
public record XgboostScorer(Booster booster, int width) implements ModelScorer {

    @Override
    public float[] predict(float[] rows, int rowCount) throws XGBoostError {
        float[][] output = booster.inplace_predict(rows, rowCount, width, Float.NaN);
        float[] scores = new float[rowCount];
        for (int row = 0; row < rowCount; row++) {
            scores[row] = output[row][0];
        }
        return scores;
    }
}
