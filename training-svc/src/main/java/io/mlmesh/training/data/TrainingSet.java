package io.mlmesh.training.data;

import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.mlmesh.featurestore.v1.TrainingSetHeader;
import io.mlmesh.featurestore.v1.TrainingSetSummary;
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
}
