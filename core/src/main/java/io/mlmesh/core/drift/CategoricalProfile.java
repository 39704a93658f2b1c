package io.mlmesh.core.drift;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A categorical feature of the reference: its category counts.
 *
 * @param feature the feature's name
 * @param count non-missing values
 * @param missingCount missing (null or empty) values
 * @param categoryCounts values per category, sorted by category; they add up to count
 */
public record CategoricalProfile(
        String feature,
        long count,
        long missingCount,
        Map<String, Long> categoryCounts) implements FeatureProfile {

    public CategoricalProfile {
        categoryCounts = Collections.unmodifiableMap(new TreeMap<>(categoryCounts));
        long sum = categoryCounts.values().stream().mapToLong(Long::longValue).sum();
        if (sum != count || missingCount < 0) {
            throw new IllegalArgumentException("categorical profile of " + feature
                    + ": category counts add up to " + sum + " but count is " + count
                    + " (missingCount " + missingCount + ")");
        }
    }

    /** Profiles the reference values of a categorical feature. */
    public static CategoricalProfile of(String feature, CategoricalValues values) {
        return new CategoricalProfile(feature, values.presentCount(), values.missingCount(),
                values.counts());
    }

    @Override
    public FeatureKind featureKind() {
        return FeatureKind.CATEGORICAL;
    }
}
