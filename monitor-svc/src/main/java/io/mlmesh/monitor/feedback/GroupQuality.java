package io.mlmesh.monitor.feedback;

/**
 * Live quality of one model version served as one variant; every number finite.
 *
 * @param version the model version
 * @param variant the routing variant
 * @param joinedCount predictions with an outcome
 * @param positiveCount those labelled 1
 * @param auc the AUC, 0 when not {@code aucDefined}
 * @param aucDefined false while the labels hold one class only
 * @param logLoss mean negative log-likelihood
 * @param accuracy share of rows whose score cut at 0.5 equals the label
 * @param aucVariance DeLong's variance of the AUC, NaN when it cannot be computed
 */
public record GroupQuality(long version, String variant, long joinedCount, long positiveCount,
        double auc, boolean aucDefined, double logLoss, double accuracy, double aucVariance) {
}
