package io.mlmesh.core.drift;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Category counts of one feature; a null or empty category is missing. */
public final class CategoricalValues implements FeatureValues {

    private final Map<String, Long> counts;
    private final long presentCount;
    private final long missingCount;

    private CategoricalValues(Map<String, Long> counts, long missingCount) {
        this.counts = counts;
        this.presentCount = counts.values().stream().mapToLong(Long::longValue).sum();
        this.missingCount = missingCount;
    }

    /** Counts the categories of the values; null and empty ones count as missing. */
    public static CategoricalValues of(Iterable<String> values) {
        Map<String, Long> counts = new TreeMap<>();
        long missing = 0;
        for (String value : values) {
            if (value == null || value.isEmpty()) {
                missing++;
            } else {
                counts.merge(value, 1L, Long::sum);
            }
        }
        return new CategoricalValues(counts, missing);
    }

    /**
     * Values already counted.
     *
     * @param counts rows per category; categories with count 0 are dropped
     * @throws IllegalArgumentException on a negative count or an empty category name
     */
    public static CategoricalValues ofCounts(Map<String, Long> counts, long missingCount) {
        Map<String, Long> kept = new TreeMap<>();
        counts.forEach((category, count) -> {
            if (category == null || category.isEmpty() || count < 0) {
                throw new IllegalArgumentException("category '" + category + "' with count "
                        + count + ": names must not be empty, counts not negative");
            }
            if (count > 0) {
                kept.put(category, count);
            }
        });
        if (missingCount < 0) {
            throw new IllegalArgumentException("missingCount must be >= 0, is " + missingCount);
        }
        return new CategoricalValues(kept, missingCount);
    }

    @Override
    public FeatureKind kind() {
        return FeatureKind.CATEGORICAL;
    }

    @Override
    public long presentCount() {
        return presentCount;
    }

    @Override
    public long missingCount() {
        return missingCount;
    }

    /** Rows per category, sorted by category, no zero counts; unmodifiable. */
    public Map<String, Long> counts() {
        return Collections.unmodifiableMap(counts);
    }
}
