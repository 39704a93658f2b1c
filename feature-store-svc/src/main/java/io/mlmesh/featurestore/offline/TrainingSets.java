package io.mlmesh.featurestore.offline;

import io.mlmesh.featurestore.catalog.Catalog;
import io.mlmesh.featurestore.catalog.DuckDb;
import io.mlmesh.featurestore.v1.Column;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.mlmesh.featurestore.v1.TrainingSetHeader;
import io.mlmesh.featurestore.v1.TrainingSetSummary;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Streams point-in-time training sets as column batches.
 *
 * <p>The query result is read row by row (DuckDB streams it) into column builders of
 * {@code batch_rows} rows; a batch is sent once the next row is known to exist or not, so the
 * last chunk, which carries the summary, is never empty unless the whole set is. The first chunk
 * carries the header. Every row also goes through a {@link RowHasher}, whose digest is the
 * summary's content hash. Runs on the calling (worker) thread; {@code sink} may block for flow
 * control and may throw to abandon the stream.
 */
public final class TrainingSets {

  private static final Logger LOG = Logger.getLogger(TrainingSets.class);

  private final DuckDb duckDb;
  private final TrainingSetPlanner planner;

  public TrainingSets(DuckDb duckDb, Catalog catalog, OfflineStore offlineStore) {
    this.duckDb = duckDb;
    this.planner = new TrainingSetPlanner(catalog, offlineStore);
  }

  /**
   * Validates the request (NOT_FOUND for unknown source or view, INVALID_ARGUMENT for bad fields)
   * before sending anything, then sends every chunk to {@code sink}, in order.
   */
  public void stream(GetTrainingSetRequest request, Consumer<TrainingSetChunk> sink) {
    TrainingSetPlan plan = planner.plan(request);
    long startNanos = System.nanoTime();

    long rows;
    try (Connection connection = duckDb.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(plan.sql())) {
      rows = send(plan, result, sink);
    } catch (SQLException e) {
      throw new IllegalStateException("training set query failed for source "
          + request.getSource(), e);
    }
    LOG.infof("training set streamed source=%s views=%d rows=%d elapsed_ms=%d",
        request.getSource(), plan.views().size(), rows,
        (System.nanoTime() - startNanos) / 1_000_000);
  }

  private static long send(TrainingSetPlan plan, ResultSet result,
      Consumer<TrainingSetChunk> sink) throws SQLException {
    RowHasher hasher = new RowHasher();
    List<ColumnSchema> columns = plan.columns();
    Column.Builder[] batch = newBatch(columns);
    long rows = 0;
    int batchRows = 0;
    boolean first = true;
    boolean more = result.next();
    while (more || first) {
      if (more) {
        readRow(result, columns, batch, hasher);
        rows++;
        batchRows++;
        more = result.next();
      }
      if (batchRows == plan.batchRows() || !more) {
        sink.accept(chunk(plan, batch, batchRows, first, more, rows, hasher));
        batch = newBatch(columns);
        batchRows = 0;
        first = false;
      }
    }
    return rows;
  }

  private static TrainingSetChunk chunk(TrainingSetPlan plan, Column.Builder[] batch,
      int batchRows, boolean first, boolean more, long rows, RowHasher hasher) {
    TrainingSetChunk.Builder chunk = TrainingSetChunk.newBuilder().setRowCount(batchRows);
    for (Column.Builder column : batch) {
      chunk.addColumns(column);
    }
    if (first) {
      chunk.setHeader(TrainingSetHeader.newBuilder()
          .addAllColumns(plan.columns())
          .setSource(plan.source())
          .addAllViews(plan.views()));
    }
    if (!more) {
      chunk.setSummary(TrainingSetSummary.newBuilder()
          .setRowCount(rows)
          .setContentSha256(hasher.hexDigest()));
    }
    return chunk.build();
  }

  private static Column.Builder[] newBatch(List<ColumnSchema> columns) {
    Column.Builder[] batch = new Column.Builder[columns.size()];
    for (int i = 0; i < batch.length; i++) {
      batch[i] = Column.newBuilder()
          .setName(columns.get(i).getName())
          .setType(columns.get(i).getType());
    }
    return batch;
  }

  private static void readRow(ResultSet result, List<ColumnSchema> columns,
      Column.Builder[] batch, RowHasher hasher) throws SQLException {
    for (int i = 0; i < batch.length; i++) {
      int index = i + 1;
      ColumnType type = columns.get(i).getType();
      if (type == ColumnType.COLUMN_TYPE_TIMESTAMP) {
        long micros = result.getLong(index);
        batch[i].addTimestampsMicros(micros);
        hasher.addMicros(micros);
      } else if (type == ColumnType.COLUMN_TYPE_STRING) {
        String value = result.getString(index);
        String text = value == null ? "" : value;
        batch[i].addStrings(text);
        hasher.addString(text);
      } else {
        double value = readNumber(result, index, type);
        batch[i].addDoubles(value);
        hasher.addDouble(value);
      }
    }
  }

  private static double readNumber(ResultSet result, int index, ColumnType type)
      throws SQLException {
    double value = switch (type) {
      case COLUMN_TYPE_BOOL -> result.getBoolean(index) ? 1.0 : 0.0;
      case COLUMN_TYPE_INT64 -> result.getLong(index);
      default -> result.getDouble(index);
    };
    return result.wasNull() ? Double.NaN : value;
  }
}
