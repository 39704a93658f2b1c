package io.mlmesh.training.data;

import io.mlmesh.featurestore.v1.Column;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.mlmesh.featurestore.v1.TrainingSetHeader;
import io.mlmesh.featurestore.v1.TrainingSetSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A training set as the feature store streamed it: the header, the column batches in stream
 * order and the summary that identifies the content.
 *
 * @param header the columns, the source version and the joined feature views
 * @param batches the chunks that carry rows, in stream order
 * @param summary the row count and content SHA-256 of the whole stream
 */
public record TrainingSet(TrainingSetHeader header, List<TrainingSetChunk> batches,
        TrainingSetSummary summary) {

    public TrainingSet {
        batches = List.copyOf(batches);
    }

    /** The number of rows across the batches. */
    public int rowCount() {
        return batches.stream().mapToInt(TrainingSetChunk::getRowCount).sum();
    }

    /** The type of a column, when the set has it. */
    public Optional<ColumnType> typeOf(String column) {
        return header.getColumnsList().stream()
                .filter(schema -> schema.getName().equals(column))
                .map(ColumnSchema::getType)
                .findFirst();
    }

    /** The column names, in header order. */
    public List<String> columnNames() {
        return header.getColumnsList().stream().map(ColumnSchema::getName).toList();
    }

    /**
     * The rows whose mark equals {@code wanted}, in order, as a set of its own with the same
     * header. Its summary counts the rows kept and keeps the content SHA-256 of this set: the
     * stream they were cut from, which with the split's rule and seed says exactly which rows.
     *
     * @param marks one mark per row of this set
     */
    public TrainingSet select(boolean[] marks, boolean wanted) {
        if (marks.length != rowCount()) {
            throw new IllegalArgumentException(marks.length + " marks for " + rowCount()
                    + " rows");
        }
        List<TrainingSetChunk> selected = new ArrayList<>();
        int offset = 0;
        for (TrainingSetChunk batch : batches) {
            selected.add(selectRows(batch, marks, offset, wanted));
            offset += batch.getRowCount();
        }
        int kept = selected.stream().mapToInt(TrainingSetChunk::getRowCount).sum();
        return new TrainingSet(header, selected, summary.toBuilder().setRowCount(kept).build());
    }

    private static TrainingSetChunk selectRows(TrainingSetChunk batch, boolean[] marks,
            int offset, boolean wanted) {
        TrainingSetChunk.Builder chunk = TrainingSetChunk.newBuilder();
        int kept = 0;
        for (int row = 0; row < batch.getRowCount(); row++) {
            kept += marks[offset + row] == wanted ? 1 : 0;
        }
        for (Column column : batch.getColumnsList()) {
            Column.Builder values = Column.newBuilder().setName(column.getName())
                    .setType(column.getType());
            for (int row = 0; row < batch.getRowCount(); row++) {
                if (marks[offset + row] == wanted) {
                    copyValue(column, row, values);
                }
            }
            chunk.addColumns(values);
        }
        return chunk.setRowCount(kept).build();
    }

    private static void copyValue(Column column, int row, Column.Builder values) {
        if (column.getDoublesCount() > row) {
            values.addDoubles(column.getDoubles(row));
        }
        if (column.getStringsCount() > row) {
            values.addStrings(column.getStrings(row));
        }
        if (column.getTimestampsMicrosCount() > row) {
            values.addTimestampsMicros(column.getTimestampsMicros(row));
        }
    }
}
