package io.mlmesh.monitor.feedback;

/**
 * Two groups' quality side by side, with two-sided p-values (1 when a test cannot be run).
 *
 * @param a the first group
 * @param b the second group
 * @param aucDifference a's AUC minus b's
 * @param aucPValue DeLong's test for two independent AUCs
 * @param accuracyDifference a's accuracy minus b's
 * @param accuracyPValue the pooled two-proportion z-test
 * @param note why a test could not be run; empty otherwise
 */
public record GroupComparison(GroupQuality a, GroupQuality b, double aucDifference,
        double aucPValue, double accuracyDifference, double accuracyPValue, String note) {
}
