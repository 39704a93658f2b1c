package io.mlmesh.training.xgboost;

/**
 * The outcome of training.
 *
 * @param modelBytes the booster in {@link XgboostTrainer#MODEL_FORMAT}, loadable with
 *     {@code XGBoost.loadModel(byte[])}
 * @param testScores the probability of the positive class for every test row, in row order
 * @param meanAbsContributions for each input, in vector order, the mean absolute SHAP value
 *     over the explained test rows, in margin (log-odds) units
 */
public record TrainedModel(byte[] modelBytes, double[] testScores,
        double[] meanAbsContributions) {
}
