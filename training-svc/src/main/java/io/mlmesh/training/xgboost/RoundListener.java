package io.mlmesh.training.xgboost;

/**
 * Told after every boosting round. It may throw to stop training: the exception reaches the
 * trainer's caller and the booster is released.
 */
@FunctionalInterface
public interface RoundListener {

    /**
     * @param round the round just finished, from 1
     * @param totalRounds the rounds asked for
     * @param trainLoss the first eval metric (log loss by default) on the training rows
     * @param validationLoss the same metric on the test rows
     */
    void onRound(int round, int totalRounds, double trainLoss, double validationLoss);
}
