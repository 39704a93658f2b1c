package io.mlmesh.core.transform;

import java.util.Objects;

/**
 * One model input: its name, how it is computed and from which column.
 *
 * @param name the model input's name, unique within a model
 * @param kind how the value is computed
 * @param column a source column, or an online feature named {@code view__feature}
 */
public record FeatureTransform(String name, TransformKind kind, String column) {

    public FeatureTransform {
        Objects.requireNonNull(kind, "kind");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("transform name is empty");
        }
        if (column == null || column.isBlank()) {
            throw new IllegalArgumentException("transform " + name + ": column is empty");
        }
    }

    /** Whether the transform reads a string column. */
    public boolean readsText() {
        return kind == TransformKind.CATEGORY_INDEX;
    }

    /** Whether the transform reads a timestamp column. */
    public boolean readsTime() {
        return kind == TransformKind.HOUR_OF_DAY
                || kind == TransformKind.DAY_OF_WEEK
                || kind == TransformKind.MONTH;
    }
}
