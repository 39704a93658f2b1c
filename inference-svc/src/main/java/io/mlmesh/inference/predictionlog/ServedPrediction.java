package io.mlmesh.inference.predictionlog;

import io.mlmesh.inference.features.OnlineFeaturePlan;
import io.mlmesh.inference.features.OnlineFeatures;
import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.inference.v1.PredictResponse;

/**
 * A finished prediction as the serving thread hands it over: references only, so that the
 * hand-over costs one small object; the writer thread builds the log entry from them. All
 * parts are immutable once the response is built.
 *
 * @param request the client's request (its fields are logged)
 * @param plan the model's online features, naming the slots of {@code online}
 * @param online the online feature values the model read
 * @param response the answer sent (request id, model, version, variant, score)
 * @param latencyMicros from receiving the request to building the answer
 * @param servedAtEpochMillis when the answer was built
 */
record ServedPrediction(PredictRequest request, OnlineFeaturePlan plan, OnlineFeatures online,
        PredictResponse response, long latencyMicros, long servedAtEpochMillis) {
}
