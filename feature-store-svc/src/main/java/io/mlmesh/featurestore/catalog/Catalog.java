package io.mlmesh.featurestore.catalog;

import com.google.protobuf.InvalidProtocolBufferException;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.FeatureViewSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The durable list of sources and feature view versions.
 *
 * <p>Both live in two tables of the service's DuckDB file (proto messages stored as bytes), so
 * they survive restarts, and in maps loaded at start-up, so that online reads never touch DuckDB.
 * Writes are serialised on one lock: version numbers are assigned without gaps or races, and a
 * new view version becomes visible only after its feature rows exist. Reads may come from any
 * thread at any time.
 */
public final class Catalog {

  private static final String CREATE_SOURCES = "CREATE TABLE IF NOT EXISTS sources ("
      + "name VARCHAR PRIMARY KEY, timestamp_column VARCHAR, scan_sql VARCHAR, dataset BLOB)";
  private static final String CREATE_VIEWS = "CREATE TABLE IF NOT EXISTS feature_views ("
      + "name VARCHAR, version INTEGER, feature_view BLOB, PRIMARY KEY (name, version))";

  private final DuckDb duckDb;
  private final Object writeLock = new Object();
  private final Map<String, RegisteredSource> sources = new ConcurrentHashMap<>();
  private final Map<String, NavigableMap<Integer, FeatureView>> views =
      new ConcurrentHashMap<>();

  private Catalog(DuckDb duckDb) {
    this.duckDb = duckDb;
  }

  /** Creates the tables when absent and loads what they hold. */
  public static Catalog open(DuckDb duckDb) {
    Catalog catalog = new Catalog(duckDb);
    try (Connection connection = duckDb.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(CREATE_SOURCES);
      statement.execute(CREATE_VIEWS);
      catalog.loadSources(statement);
      catalog.loadViews(statement);
    } catch (SQLException | InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot read the catalog tables", e);
    }
    return catalog;
  }

  /** Writes of another component that must commit together with a source's entry. */
  @FunctionalInterface
  public interface SameTransaction {

    /** Runs on {@code connection}, inside the transaction that stores the source. */
    void run(Connection connection) throws SQLException;
  }

  /** Adds the source, or replaces the one of the same name. */
  public void putSource(RegisteredSource source) {
    putSource(source, connection -> { });
  }

  /**
   * Adds or replaces the source and runs {@code alsoWrite} in the same DuckDB transaction: both
   * are stored, or neither is. The source is visible to readers once the commit returned.
   */
  public void putSource(RegisteredSource source, SameTransaction alsoWrite) {
    synchronized (writeLock) {
      String sql = "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?)";
      try (Connection connection = duckDb.connect();
          PreparedStatement insert = connection.prepareStatement(sql)) {
        connection.setAutoCommit(false);
        insert.setString(1, source.name());
        insert.setString(2, source.timestampColumn());
        insert.setString(3, source.scanSql());
        insert.setBytes(4, source.dataset().toByteArray());
        insert.execute();
        alsoWrite.run(connection);
        connection.commit();
      } catch (SQLException e) {
        throw new IllegalStateException("cannot store source " + source.name(), e);
      }
      sources.put(source.name(), source);
    }
  }

  public Optional<RegisteredSource> findSource(String name) {
    return Optional.ofNullable(sources.get(name));
  }

  /** The view's given version, or its newest one when {@code version} is 0. */
  public Optional<FeatureView> findView(String name, int version) {
    NavigableMap<Integer, FeatureView> versions = views.get(name);
    if (versions == null || versions.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(version == 0
        ? versions.lastEntry().getValue()
        : versions.get(version));
  }

  /** The newest version of every view, by name. */
  public List<FeatureView> newestViews() {
    return views.values().stream()
        .map(versions -> versions.lastEntry().getValue())
        .sorted(Comparator.comparing(view -> view.getSpec().getName()))
        .toList();
  }

  /**
   * Returns the newest version of the view when its spec equals {@code spec} and it was computed
   * from the source content {@code sourceContentSha256}; otherwise builds the next version with
   * {@code newVersion}, lets {@code prepare} compute what the version needs (it may throw, and
   * then nothing is stored), stores it and returns it.
   */
  public FeatureView applyView(FeatureViewSpec spec, String sourceContentSha256,
      IntFunction<FeatureView> newVersion, Consumer<FeatureView> prepare) {
    synchronized (writeLock) {
      Optional<FeatureView> newest = findView(spec.getName(), 0);
      if (newest.isPresent() && newest.get().getSpec().equals(spec) && newest.get()
          .getSourceDataset().getContentSha256().equals(sourceContentSha256)) {
        return newest.get();
      }
      FeatureView view = newVersion.apply(newest.map(FeatureView::getVersion).orElse(0) + 1);
      prepare.accept(view);
      insertView(view);
      return view;
    }
  }

  private void insertView(FeatureView view) {
    String sql = "INSERT INTO feature_views VALUES (?, ?, ?)";
    try (Connection connection = duckDb.connect();
        PreparedStatement insert = connection.prepareStatement(sql)) {
      insert.setString(1, view.getSpec().getName());
      insert.setInt(2, view.getVersion());
      insert.setBytes(3, view.toByteArray());
      insert.execute();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot store view " + view.getSpec().getName(), e);
    }
    addView(view);
  }

  private void addView(FeatureView view) {
    views.computeIfAbsent(view.getSpec().getName(), name -> new ConcurrentSkipListMap<>())
        .put(view.getVersion(), view);
  }

  private void loadSources(Statement statement)
      throws SQLException, InvalidProtocolBufferException {
    try (ResultSet rows = statement.executeQuery(
        "SELECT timestamp_column, scan_sql, dataset FROM sources")) {
      while (rows.next()) {
        DatasetVersion dataset = DatasetVersion.parseFrom(rows.getBytes(3));
        sources.put(dataset.getName(),
            new RegisteredSource(dataset, rows.getString(1), rows.getString(2)));
      }
    }
  }

  private void loadViews(Statement statement)
      throws SQLException, InvalidProtocolBufferException {
    try (ResultSet rows = statement.executeQuery("SELECT feature_view FROM feature_views")) {
      while (rows.next()) {
        addView(FeatureView.parseFrom(rows.getBytes(1)));
      }
    }
  }
}
