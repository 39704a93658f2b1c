package io.mlmesh.featurestore.ingest;

import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.ColumnValues;
import io.mlmesh.featurestore.v1.RowBatch;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;

/**
 * Checks a streamed {@link RowBatch} against the input columns of its source and appends its
 * rows to a DuckDB table through the {@link DuckDBAppender}.
 *
 * <p>The checks are structural only (every column present once, filled with the list of its type,
 * one value per row): a value that breaks an expectation is the business of {@link RowRules}, which
 * quarantines the row like a file row. Descriptions name the field and the column, never a value.
 */
final class RowBatches {

  /** A batch whose columns were checked, in the order of the input's columns. */
  record CheckedBatch(int rowCount, List<ColumnSchema> schema, List<ColumnValues> columns,
      List<boolean[]> missing) {
  }

  private RowBatches() {
  }

  /** Checks {@code rows}; INVALID_ARGUMENT naming the field, column or row otherwise. */
  static CheckedBatch check(RowBatch rows, String source, List<ColumnSchema> schema) {
    if (rows.getRowCount() < 1) {
      throw FeatureStoreException.invalidArgument("rows.row_count " + rows.getRowCount()
          + " must be at least 1 (chunk sequence " + rows.getSequence() + ")");
    }
    Map<String, Integer> byName = indexByName(rows, source, schema);
    List<ColumnValues> columns = new ArrayList<>();
    List<boolean[]> missing = new ArrayList<>();
    for (ColumnSchema column : schema) {
      Integer index = byName.get(column.getName());
      if (index == null) {
        throw FeatureStoreException.invalidArgument("rows (chunk sequence " + rows.getSequence()
            + ") lacks column '" + column.getName() + "' of source '" + source + "'");
      }
      ColumnValues values = rows.getColumns(index);
      checkValues(values, "rows.columns[" + index + "]", column.getType(), rows.getRowCount());
      columns.add(values);
      missing.add(missingRows(values, "rows.columns[" + index + "]", rows.getRowCount()));
    }
    return new CheckedBatch(rows.getRowCount(), schema, columns, missing);
  }

  /** Appends every row of {@code batch}, missing values as NULL. */
  static void append(DuckDBAppender appender, CheckedBatch batch) throws SQLException {
    for (int row = 0; row < batch.rowCount(); row++) {
      appender.beginRow();
      for (int i = 0; i < batch.columns().size(); i++) {
        if (batch.missing().get(i)[row]) {
          appender.appendNull();
        } else {
          appendValue(appender, batch.schema().get(i).getType(), batch.columns().get(i), row);
        }
      }
      appender.endRow();
    }
  }

  private static Map<String, Integer> indexByName(RowBatch rows, String source,
      List<ColumnSchema> schema) {
    List<String> names = schema.stream().map(ColumnSchema::getName).toList();
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < rows.getColumnsCount(); i++) {
      String name = rows.getColumns(i).getName();
      if (!names.contains(name)) {
        throw FeatureStoreException.invalidArgument("rows.columns[" + i + "] '" + name
            + "' is not a column of source '" + source + "'; columns are " + names);
      }
      if (byName.put(name, i) != null) {
        throw FeatureStoreException.invalidArgument("rows.columns[" + i + "] '" + name
            + "' appears more than once");
      }
    }
    return byName;
  }

  private static void checkValues(ColumnValues values, String field, ColumnType type,
      int rowCount) {
    for (ColumnType other : List.of(ColumnType.COLUMN_TYPE_DOUBLE, ColumnType.COLUMN_TYPE_INT64,
        ColumnType.COLUMN_TYPE_STRING, ColumnType.COLUMN_TYPE_TIMESTAMP,
        ColumnType.COLUMN_TYPE_BOOL)) {
      if (other != type && count(values, other) > 0) {
        throw FeatureStoreException.invalidArgument(field + " '" + values.getName() + "' is "
            + type + " and must carry " + listOf(type) + "; it carries " + listOf(other));
      }
    }
    if (count(values, type) != rowCount) {
      throw FeatureStoreException.invalidArgument(field + " '" + values.getName() + "' has "
          + count(values, type) + " " + listOf(type) + "; row_count is " + rowCount);
    }
  }

  private static boolean[] missingRows(ColumnValues values, String field, int rowCount) {
    boolean[] missing = new boolean[rowCount];
    for (int i = 0; i < values.getMissingRowsCount(); i++) {
      int row = values.getMissingRows(i);
      if (row < 0 || row >= rowCount) {
        throw FeatureStoreException.invalidArgument(field + ".missing_rows[" + i + "] " + row
            + " is not a row of the chunk (rows 0 to " + (rowCount - 1) + ")");
      }
      missing[row] = true;
    }
    return missing;
  }

  private static void appendValue(DuckDBAppender appender, ColumnType type,
      ColumnValues values, int row) throws SQLException {
    switch (type) {
      case COLUMN_TYPE_DOUBLE -> {
        double value = values.getDoubles(row);
        if (Double.isNaN(value)) {
          appender.appendNull();
        } else {
          appender.append(value);
        }
      }
      case COLUMN_TYPE_INT64 -> appender.append(values.getInt64S(row));
      case COLUMN_TYPE_TIMESTAMP -> appender.appendEpochMicros(values.getTimestampsMicros(row));
      case COLUMN_TYPE_BOOL -> appender.append(values.getBools(row));
      default -> appender.append(values.getStrings(row));
    }
  }

  private static int count(ColumnValues values, ColumnType type) {
    return switch (type) {
      case COLUMN_TYPE_DOUBLE -> values.getDoublesCount();
      case COLUMN_TYPE_INT64 -> values.getInt64SCount();
      case COLUMN_TYPE_TIMESTAMP -> values.getTimestampsMicrosCount();
      case COLUMN_TYPE_BOOL -> values.getBoolsCount();
      default -> values.getStringsCount();
    };
  }

  private static String listOf(ColumnType type) {
    return switch (type) {
      case COLUMN_TYPE_DOUBLE -> "doubles";
      case COLUMN_TYPE_INT64 -> "int64s";
      case COLUMN_TYPE_TIMESTAMP -> "timestamps_micros";
      case COLUMN_TYPE_BOOL -> "bools";
      default -> "strings";
    };
  }
}
