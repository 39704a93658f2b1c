package io.mlmesh.inference.model;

import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import java.time.Instant;
import ml.dmlc.xgboost4j.java.Booster;

/**
 * One loaded model version: the bundle's vectorizer and online features, and the engine that
 * scores it (XGBoost4J for trees and linear models, DJL on PyTorch for the MLP).
 *
 * <p>Thread safety: {@link #predict} is called by many request threads at once on one scorer,
 * which takes no lock ({@link XgboostScorer}, {@code MlpScorer}); {@code ServingModelTest} and
 * {@code MlpScorerTest} check that concurrent results equal single-thread ones bit for bit.
 *
 * @param name the registry model name
 * @param version the registry version number
 * @param alias the alias it was loaded through, empty when loaded by number or as newest
 * @param artifactSha256 the verified digest of the bundle
 * @param loadedAt when loading finished
 * @param vectorizer turns a request row into the model input (core's, as training used)
 * @param onlineFeatures the features read from the feature store per request
 * @param requestSchema the request fields and their kinds
 * @param scorer the engine
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
        ModelScorer scorer) {

    /** A version scored by an XGBoost booster. */
    public ServingModel(String name, long version, String alias, String artifactSha256,
            Instant loadedAt, FeatureVectorizer vectorizer, OnlineFeaturePlan onlineFeatures,
            RequestSchema requestSchema, Booster booster) {
        this(name, version, alias, artifactSha256, loadedAt, vectorizer, onlineFeatures,
                requestSchema, new XgboostScorer(booster, vectorizer.width()));
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
        try {
            return scorer.predict(rows, rowCount);
        } catch (Exception e) {
            throw new InferenceException(InferenceException.Reason.ENGINE_FAILED,
                    "model '" + name + "' version " + version + " failed to predict: "
                            + e.getMessage(), e);
        }
    }
}
