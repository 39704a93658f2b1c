package io.mlmesh.inference.features;

import io.mlmesh.featurestore.v1.FeatureStatus;
import java.util.Arrays;

/**
 * One request's online feature values, by slot of its {@link OnlineFeaturePlan}: NaN and a
 * non-PRESENT status where a value is missing or stale.
 *
 * @param values the values by slot
 * @param statuses the statuses by slot
 */
public record OnlineFeatures(double[] values, FeatureStatus[] statuses) {

    /** Every slot missing, for requests whose entities are not known or not given. */
    public static OnlineFeatures allMissing(int slotCount) {
        double[] values = new double[slotCount];
        Arrays.fill(values, Double.NaN);
        FeatureStatus[] statuses = new FeatureStatus[slotCount];
        Arrays.fill(statuses, FeatureStatus.FEATURE_STATUS_MISSING);
        return new OnlineFeatures(values, statuses);
    }
}
