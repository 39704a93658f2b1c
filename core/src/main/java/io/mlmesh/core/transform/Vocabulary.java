package io.mlmesh.core.transform;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The values of a categorical column seen at training, each mapped to its position.
 * {@link #of} sorts the values ({@link TransformKind#CATEGORY_INDEX}); {@link #ranked} puts the
 * most frequent first, ties by value ({@link TransformKind#ONE_HOT},
 * {@link TransformKind#INTEGER_ENCODING}). Either way the mapping depends only on the values
 * and their counts, never on row order, so that fitting twice gives the same model inputs.
 */
public final class Vocabulary {

    private final List<String> values;
    private final Map<String, Integer> indexByValue;

    private Vocabulary(List<String> orderedValues) {
        this.values = List.copyOf(orderedValues);
        this.indexByValue = new HashMap<>(values.size() * 2);
        for (int i = 0; i < values.size(); i++) {
            indexByValue.put(values.get(i), i);
        }
    }

    /** A vocabulary of the distinct non-empty values given, in sorted order. */
    public static Vocabulary of(Collection<String> seenValues) {
        TreeSet<String> distinct = new TreeSet<>();
        for (String value : seenValues) {
            if (value != null && !value.isEmpty()) {
                distinct.add(value);
            }
        }
        return new Vocabulary(List.copyOf(distinct));
    }

    /**
     * A vocabulary of the distinct non-empty values given, most frequent first, ties in
     * ascending value order, cut to {@code maxSize} values when that is above 0.
     */
    public static Vocabulary ranked(Collection<String> seenValues, int maxSize) {
        Map<String, Long> counts = new TreeMap<>();
        for (String value : seenValues) {
            if (value != null && !value.isEmpty()) {
                counts.merge(value, 1L, Long::sum);
            }
        }
        List<String> byFrequency = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .limit(maxSize > 0 ? maxSize : Long.MAX_VALUE)
                .toList();
        return new Vocabulary(byFrequency);
    }

    /**
     * A vocabulary of exactly these values in this order, as a bundle stores it.
     *
     * @throws IllegalArgumentException when a value is empty or given twice
     */
    public static Vocabulary ordered(List<String> values) {
        Vocabulary vocabulary = new Vocabulary(values);
        if (vocabulary.indexByValue.size() != values.size() || values.contains("")) {
            throw new IllegalArgumentException("vocabulary values must be distinct and"
                    + " non-empty: " + values);
        }
        return vocabulary;
    }

    /** The value's index, or NaN when the value is missing or was not seen at training. */
    public double indexOf(String value) {
        int position = positionOf(value);
        return position < 0 ? Double.NaN : position;
    }

    /** The value's position, or -1 when the value is missing or was not seen at training. */
    public int positionOf(String value) {
        if (value == null) {
            return -1;
        }
        Integer index = indexByValue.get(value);
        return index == null ? -1 : index;
    }

    /** The values in index order. */
    public List<String> values() {
        return values;
    }

    public int size() {
        return values.size();
    }
}
