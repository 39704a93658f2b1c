package io.mlmesh.core.fairness;

/**
 * How a classifier's decisions fall on one group of a sensitive attribute.
 *
 * @param group the attribute's value shared by the group's rows
 * @param rowCount the group's rows
 * @param selectionRate the share of the group's rows predicted positive
 * @param truePositiveRate the share of the group's positives predicted positive; NaN when the
 *     group has no positive
 * @param falsePositiveRate the share of the group's negatives predicted positive; NaN when the
 *     group has no negative
 */
public record GroupRates(String group, long rowCount, double selectionRate,
        double truePositiveRate, double falsePositiveRate) {
}
