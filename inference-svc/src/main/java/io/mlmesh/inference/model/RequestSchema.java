package io.mlmesh.inference.model;

import io.mlmesh.core.model.OnlineFeatureRef;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request fields a model reads and the kind each must hold, derived once from the bundle's
 * transforms: a column an online feature fills is not a request field, an entity column is
 * text unless a transform reads it otherwise.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class RequestSchema {

    private final String[] columns;
    private final FieldKind[] kinds;
    private final Set<String> columnSet;

    private RequestSchema(Map<String, FieldKind> kindByColumn) {
        this.columns = kindByColumn.keySet().toArray(String[]::new);
        this.kinds = kindByColumn.values().toArray(FieldKind[]::new);
        this.columnSet = Set.copyOf(kindByColumn.keySet());
    }

    /**
     * The schema of a bundle's transforms.
     *
     * @throws IllegalArgumentException when two transforms read one column as different kinds
     */
    public static RequestSchema of(List<FeatureTransform> transforms, OnlineFeaturePlan online) {
        Map<String, FieldKind> kindByColumn = new LinkedHashMap<>();
        for (FeatureTransform transform : transforms) {
            if (online.slotOf(transform.column()) >= 0) {
                continue;
            }
            FieldKind kind = kindOf(transform);
            FieldKind earlier = kindByColumn.putIfAbsent(transform.column(), kind);
            if (earlier != null && earlier != kind) {
                throw new IllegalArgumentException("column '" + transform.column()
                        + "' is read as both " + earlier.label() + " and " + kind.label());
            }
        }
        for (OnlineFeatureRef view : online.views()) {
            kindByColumn.putIfAbsent(view.entityColumn(), FieldKind.TEXT);
        }
        return new RequestSchema(kindByColumn);
    }

    public int size() {
        return columns.length;
    }

    /** Whether the model reads a request field of this name. */
    public boolean contains(String column) {
        return columnSet.contains(column);
    }

    /** The request fields the model reads, in the bundle's order. */
    public List<String> columns() {
        return List.of(columns);
    }

    public String column(int index) {
        return columns[index];
    }

    public FieldKind kind(int index) {
        return kinds[index];
    }

    private static FieldKind kindOf(FeatureTransform transform) {
        if (transform.readsText()) {
            return FieldKind.TEXT;
        }
        return transform.readsTime() ? FieldKind.TIME : FieldKind.NUMBER;
    }
}
