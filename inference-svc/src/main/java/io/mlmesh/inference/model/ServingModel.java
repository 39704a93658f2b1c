package io.mlmesh.inference.model;

import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import java.time.Instant;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * One loaded model version: the bundle's vectorizer and online features, and the booster.
 *
 * <p>Thread safety: {@link #predict} is called by many request threads at once on one
 * {@link Booster}. XGBoost's in-place prediction keeps its working buffers per calling thread
 * (the C API's thread-local prediction entry) and the Java wrapper holds no mutable state, so
 * no lock is taken; {@code ServingModelTest} checks that concurrent results equal single-thread
 * ones bit for bit. A replaced version is never disposed explicitly: requests still running on
 * it finish, and the booster's finalizer frees the native model once nothing refers to it.
 *
 * @param name the registry model name
 * @param version the registry version number
 * @param alias the alias it was loaded through, empty when loaded by number or as newest
 * @param artifactSha256 the verified digest of the bundle
 * @param loadedAt when loading finished
 * @param vectorizer turns a request row into the model input (core's, as training used)
 * @param onlineFeatures the features read from the feature store per request
 * @param requestSchema the request fields and their kinds
 * @param booster the engine
 * @param inPlace whether the booster predicts in place; XGBoost's linear booster (logistic
 *     regression) cannot, and predicts from a DMatrix made per call instead
 */
public record ServingModel(
        String name,
        long version,
        String alias,
        String artifactSha256,
        Instant loadedAt,
        FeatureVectorizer vectorizer,
        OnlineFeaturePlan onlineFeatures,
        RequestSchema requestSchema,
        Booster booster,
        boolean inPlace) {

    /** A model whose booster predicts in place: trees. */
    public ServingModel(String name, long version, String alias, String artifactSha256,
            Instant loadedAt, FeatureVectorizer vectorizer, OnlineFeaturePlan onlineFeatures,
            RequestSchema requestSchema, Booster booster) {
        this(name, version, alias, artifactSha256, loadedAt, vectorizer, onlineFeatures,
                requestSchema, booster, true);
    }

    /** The number of model inputs per row. */
    public int width() {
        return vectorizer.width();
    }

    /**
     * Probabilities of the positive class for rows laid out row after row.
     *
     * @param rows {@code rowCount * width()} values, NaN where missing
     * @param rowCount the number of rows, at least one
     */
    public float[] predict(float[] rows, int rowCount) {
        float[][] output;
        try {
            output = inPlace ? booster.inplace_predict(rows, rowCount, width(), Float.NaN)
                    : predictFromMatrix(rows, rowCount);
        } catch (XGBoostError e) {
            throw new InferenceException(InferenceException.Reason.ENGINE_FAILED,
                    "model '" + name + "' version " + version + " failed to predict: "
                            + e.getMessage(), e);
        }

        float[] scores = new float[rowCount];
        for (int row = 0; row < rowCount; row++) {
            scores[row] = output[row][0];
        }
        return scores;
    }

    private float[][] predictFromMatrix(float[] rows, int rowCount) throws XGBoostError {
        DMatrix matrix = new DMatrix(rows, rowCount, width(), Float.NaN);
        try {
            return booster.predict(matrix);
        } finally {
            matrix.dispose();
        }
    }
}
