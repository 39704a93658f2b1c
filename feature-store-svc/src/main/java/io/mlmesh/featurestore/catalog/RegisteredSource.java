package io.mlmesh.featurestore.catalog;

import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.DatasetVersion;
import java.util.Optional;

/**
 * A registered offline source.
 *
 * @param dataset what the file held when it was registered (hash, rows, columns, time range)
 * @param timestampColumn the column that says when each row happened, of type TIMESTAMP (UTC)
 * @param scanSql a DuckDB table expression that reads the file with normalised column types
 */
public record RegisteredSource(DatasetVersion dataset, String timestampColumn, String scanSql) {

  public String name() {
    return dataset.getName();
  }

  /** The type of {@code column}, empty when the source has no such column. */
  public Optional<ColumnType> columnType(String column) {
    return dataset.getColumnsList().stream()
        .filter(schema -> schema.getName().equals(column))
        .map(ColumnSchema::getType)
        .findFirst();
  }

  /** Whether {@code column} holds numbers (DOUBLE, INT64 or BOOL, read as 0 and 1). */
  public boolean isNumeric(String column) {
    return columnType(column)
        .map(type -> type == ColumnType.COLUMN_TYPE_DOUBLE
            || type == ColumnType.COLUMN_TYPE_INT64
            || type == ColumnType.COLUMN_TYPE_BOOL)
        .orElse(false);
  }
}
