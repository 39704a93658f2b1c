package io.mlmesh.featurestore.online;

import static io.mlmesh.featurestore.catalog.DuckDb.quoteIdentifier;
import static io.mlmesh.featurestore.catalog.DuckDb.quoteLiteral;

import com.google.protobuf.util.Timestamps;
import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.TimeRanges;
import io.mlmesh.featurestore.catalog.Catalog;
import io.mlmesh.featurestore.catalog.DuckDb;
import io.mlmesh.featurestore.offline.OfflineStore;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.MaterializeProgress;
import io.mlmesh.featurestore.v1.MaterializeRequest;
import io.mlmesh.featurestore.v1.MaterializeResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Copies, per entity, the newest feature row with event time in [start, end) from the offline
 * store to the online store.
 *
 * <p>DuckDB picks the newest row per entity in the range; the online store keeps a value only
 * when it is newer than the one it holds. So a materialization repeated, or one of an older
 * range run after a newer one, writes nothing, and the online store never goes back in time.
 * Entities are written in batches of {@value #BATCH_ENTITIES}, one store call each.
 */
public final class Materializer {

  private static final Logger LOG = Logger.getLogger(Materializer.class);
  private static final int BATCH_ENTITIES = 1000;

  private final DuckDb duckDb;
  private final Catalog catalog;
  private final OfflineStore offlineStore;
  private final OnlineStore onlineStore;

  public Materializer(DuckDb duckDb, Catalog catalog, OfflineStore offlineStore,
      OnlineStore onlineStore) {
    this.duckDb = duckDb;
    this.catalog = catalog;
    this.offlineStore = offlineStore;
    this.onlineStore = onlineStore;
  }

  /** Materializes; NOT_FOUND for an unknown view, INVALID_ARGUMENT for an empty range. */
  public MaterializeResponse materialize(MaterializeRequest request) {
    return materialize(request, progress -> { });
  }

  /**
   * Materializes, telling {@code progress} after every batch of entities written; NOT_FOUND for
   * an unknown view, INVALID_ARGUMENT for an empty range.
   */
  public MaterializeResponse materialize(MaterializeRequest request,
      Consumer<MaterializeProgress> progress) {
    FeatureView view = catalog.findView(request.getView(), request.getVersion())
        .orElseThrow(() -> FeatureStoreException.notFound("view '" + request.getView() + "'"
            + (request.getVersion() == 0 ? "" : " version " + request.getVersion())
            + " does not exist"));
    TimeRanges.checkOrdered(request.hasStart(), request.getStart(), request.hasEnd(),
        request.getEnd());
    long startNanos = System.nanoTime();

    Counts counts;
    try (Connection connection = duckDb.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(newestRowsSql(view, request))) {
      counts = copy(view, rows, progress);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the feature rows of view "
          + view.getSpec().getName() + " version " + view.getVersion(), e);
    }
    LOG.infof("materialized view=%s version=%d start=%s end=%s rows_read=%d entities=%d "
            + "entities_written=%d elapsed_ms=%d", view.getSpec().getName(), view.getVersion(),
        request.hasStart() ? Timestamps.toString(request.getStart()) : "open",
        request.hasEnd() ? Timestamps.toString(request.getEnd()) : "open", counts.rowsRead(),
        counts.entities(), counts.written(), (System.nanoTime() - startNanos) / 1_000_000);
    return MaterializeResponse.newBuilder()
        .setView(view.getSpec().getName())
        .setVersion(view.getVersion())
        .setRowsRead(counts.rowsRead())
        .setEntitiesWritten(counts.written())
        .build();
  }

  private record Counts(long rowsRead, long entities, long written) {
  }

  private String newestRowsSql(FeatureView view, MaterializeRequest request) {
    String eventTime = OfflineStore.EVENT_TIME_MICROS;
    List<String> conditions = new ArrayList<>(List.of("true"));
    if (request.hasStart()) {
      conditions.add(eventTime + " >= " + Timestamps.toMicros(request.getStart()));
    }
    if (request.hasEnd()) {
      conditions.add(eventTime + " < " + Timestamps.toMicros(request.getEnd()));
    }
    String features = view.getFeatureNamesList().stream()
        .map(feature -> ", " + quoteIdentifier(feature))
        .collect(Collectors.joining());
    return "SELECT count(*) OVER () AS rows_read, " + OfflineStore.ENTITY + ", " + eventTime
        + features + " FROM read_parquet(" + quoteLiteral(offlineStore.rowsOf(view).toString())
        + ") WHERE " + String.join(" AND ", conditions) + " QUALIFY row_number() OVER "
        + "(PARTITION BY " + OfflineStore.ENTITY + " ORDER BY " + eventTime + " DESC) = 1";
  }

  private Counts copy(FeatureView view, ResultSet rows, Consumer<MaterializeProgress> progress)
      throws SQLException {
    int featureCount = view.getFeatureNamesCount();
    long rowsRead = 0;
    long entities = 0;
    long written = 0;
    List<OnlineStore.Entry> batch = new ArrayList<>(BATCH_ENTITIES);
    while (rows.next()) {
      rowsRead = rows.getLong(1);
      batch.add(entryOf(view, rows, featureCount));
      entities++;
      if (batch.size() == BATCH_ENTITIES) {
        written += onlineStore.writeIfNewer(batch);
        batch.clear();
        LOG.infof("materialize progress view=%s version=%d entities=%d entities_written=%d",
            view.getSpec().getName(), view.getVersion(), entities, written);
        progress.accept(progressOf(rowsRead, entities, written));
      }
    }
    written += onlineStore.writeIfNewer(batch);
    if (!batch.isEmpty()) {
      progress.accept(progressOf(rowsRead, entities, written));
    }
    return new Counts(rowsRead, entities, written);
  }

  private static MaterializeProgress progressOf(long rowsRead, long entities, long written) {
    return MaterializeProgress.newBuilder()
        .setRowsRead(rowsRead)
        .setEntitiesDone(entities)
        .setEntitiesWritten(written)
        .build();
  }

  private static OnlineStore.Entry entryOf(FeatureView view, ResultSet rows, int featureCount)
      throws SQLException {
    OnlineKey key = new OnlineKey(view.getSpec().getName(), view.getVersion(), rows.getString(2));
    double[] values = new double[featureCount];
    for (int i = 0; i < featureCount; i++) {
      double value = rows.getDouble(4 + i);
      values[i] = rows.wasNull() ? Double.NaN : value;
    }
    return new OnlineStore.Entry(key, new OnlineValue(rows.getLong(3), values));
  }
}
