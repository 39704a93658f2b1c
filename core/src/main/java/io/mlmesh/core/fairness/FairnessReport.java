package io.mlmesh.core.fairness;

import java.util.List;

/**
 * Group fairness of a classifier's decisions for one sensitive attribute.
 *
 * @param groups the rates of each group, in group order
 * @param demographicParityDifference highest minus lowest selection rate (0 is parity)
 * @param demographicParityRatio lowest over highest selection rate (1 is parity); NaN when no
 *     group is ever selected
 * @param equalizedOddsDifference the larger of the spreads (highest minus lowest) of the true
 *     positive rates and of the false positive rates, over the groups where each is defined;
 *     NaN when neither rate is defined for any group
 * @param disparateImpact the lowest ratio of another group's selection rate to the reference
 *     group's (the "four-fifths rule" flags values below 0.8); NaN when the reference group is
 *     never selected or is the only group
 * @param referenceGroup the group disparate impact compares with
 */
public record FairnessReport(List<GroupRates> groups, double demographicParityDifference,
        double demographicParityRatio, double equalizedOddsDifference, double disparateImpact,
        String referenceGroup) {

    public FairnessReport {
        groups = List.copyOf(groups);
    }
}
