package io.mlmesh.core.transform;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The values of a categorical column seen at training, each mapped to its position in sorted
 * order. Sorting makes the mapping depend only on the set of values, not on row order.
 */
public final class Vocabulary {

    private final List<String> values;
    private final Map<String, Integer> indexByValue;

    private Vocabulary(List<String> sortedValues) {
        this.values = List.copyOf(sortedValues);
        this.indexByValue = new HashMap<>(values.size() * 2);
        for (int i = 0; i < values.size(); i++) {
            indexByValue.put(values.get(i), i);
        }
    }

    /** A vocabulary of the distinct non-empty values given. */
    public static Vocabulary of(Collection<String> seenValues) {
        TreeSet<String> distinct = new TreeSet<>();
        for (String value : seenValues) {
            if (value != null && !value.isEmpty()) {
                distinct.add(value);
            }
        }
        return new Vocabulary(List.copyOf(distinct));
    }

    /** The value's index, or NaN when the value is missing or was not seen at training. */
    public double indexOf(String value) {
        if (value == null) {
            return Double.NaN;
        }
        Integer index = indexByValue.get(value);
        return index == null ? Double.NaN : index;
    }

    /** The values in index order. */
    public List<String> values() {
        return values;
    }

    public int size() {
        return values.size();
    }
}
