package io.mlmesh.core.drift;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The profiles of a model's features over its training data: what drift tests compare
 * windows of served traffic with. Stored with the model version as JSON ({@link #toJson()}).
 *
 * @param rowCount rows of the reference data
 * @param features one profile per feature, names distinct
 */
public record ReferenceProfile(long rowCount, List<FeatureProfile> features) {

    public ReferenceProfile {
        features = List.copyOf(features);
        Set<String> names = new HashSet<>();
        for (FeatureProfile feature : features) {
            if (!names.add(feature.feature())) {
                throw new IllegalArgumentException("feature " + feature.feature()
                        + " is profiled twice");
            }
        }
    }

    /**
     * Profiles reference data.
     *
     * @param columns the values of each feature, in the order the profile keeps
     */
    public static ReferenceProfile of(long rowCount, Map<String, FeatureValues> columns,
            DriftSettings settings) {
        List<FeatureProfile> features = new ArrayList<>(columns.size());
        columns.forEach((name, values) -> features.add(FeatureProfile.of(name, values,
                settings)));
        return new ReferenceProfile(rowCount, features);
    }

    /** The profile as UTF-8 JSON. */
    public byte[] toJson() {
        return DriftJson.write(this, "reference profile");
    }

    /**
     * Reads a profile written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException when the bytes are not a valid profile
     */
    public static ReferenceProfile fromJson(byte[] json) {
        return DriftJson.read(json, ReferenceProfile.class, "reference profile");
    }
}
