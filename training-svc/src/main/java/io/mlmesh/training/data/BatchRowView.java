package io.mlmesh.training.data;

import io.mlmesh.core.transform.RowView;
import io.mlmesh.featurestore.v1.Column;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import java.util.HashMap;
import java.util.Map;

/**
 * A cursor over the rows of one column batch, read by column name. The vectorizer reads
 * training rows through it, exactly as serving reads a request through its own view.
 *
 * <p>Numbers come from a column's doubles (missing ones are NaN there already), texts from its
 * strings (empty means missing), times from its microseconds. A column the batch lacks, or that
 * holds another kind of value, reads as missing. Not thread-safe: one cursor per thread.
 */
public final class BatchRowView implements RowView {

    private final Map<String, Column> columnsByName = new HashMap<>();
    private final int rowCount;
    private int row;

    public BatchRowView(TrainingSetChunk batch) {
        batch.getColumnsList().forEach(column -> columnsByName.put(column.getName(), column));
        this.rowCount = batch.getRowCount();
    }

    /** Moves the cursor to a row of the batch, from 0. */
    public void moveTo(int rowIndex) {
        if (rowIndex < 0 || rowIndex >= rowCount) {
            throw new IndexOutOfBoundsException(
                    "row " + rowIndex + " outside a batch of " + rowCount + " rows");
        }
        row = rowIndex;
    }

    public int rowCount() {
        return rowCount;
    }

    @Override
    public double number(String column) {
        Column values = columnsByName.get(column);
        if (values == null || values.getDoublesCount() <= row) {
            return Double.NaN;
        }
        return values.getDoubles(row);
    }

    @Override
    public String text(String column) {
        Column values = columnsByName.get(column);
        if (values == null || values.getStringsCount() <= row) {
            return null;
        }
        String text = values.getStrings(row);
        return text.isEmpty() ? null : text;
    }

    @Override
    public long timeMicros(String column) {
        Column values = columnsByName.get(column);
        if (values == null || values.getTimestampsMicrosCount() <= row) {
            return MISSING_TIME;
        }
        return values.getTimestampsMicros(row);
    }
}
