package io.mlmesh.training.data;

import io.mlmesh.core.transform.RowView;

/**
 * How a row's label is computed: 1 when the column is greater than the threshold, else 0 (a
 * missing value, NaN, is never greater, so it gives 0).
 *
 * @param column the numeric column the label comes from
 * @param threshold the value the column must exceed
 */
public record LabelRule(String column, double threshold) {

    public float labelOf(RowView row) {
        return row.number(column) > threshold ? 1f : 0f;
    }
}
