package io.mlmesh.training.xgboost;

/**
 * The outcome of training.
 *
 * @param modelBytes the booster in {@link XgboostTrainer#MODEL_FORMAT}, loadable with
 *     {@code XGBoost.loadModel(byte[])}
 * @param testScores the probability of the positive class for every test row, in row order
 */
public record TrainedModel(byte[] modelBytes, double[] testScores) {
}
