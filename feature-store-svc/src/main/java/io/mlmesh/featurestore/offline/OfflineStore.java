package io.mlmesh.featurestore.offline;

import static io.mlmesh.featurestore.catalog.DuckDb.quoteIdentifier;
import static io.mlmesh.featurestore.catalog.DuckDb.quoteLiteral;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.catalog.Catalog;
import io.mlmesh.featurestore.catalog.DuckDb;
import io.mlmesh.featurestore.catalog.RegisteredSource;
import io.mlmesh.featurestore.v1.Aggregation;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.FeatureViewSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The feature rows of every view version, one Parquet file each under {@code offline/} in the
 * data dir.
 *
 * <p>A row exists for entity e at event time t (a multiple of the granularity G since the epoch)
 * when e has source rows in [t - W, t), and aggregates exactly those rows. DuckDB computes all
 * of them in one statement: source rows are first reduced to partial aggregates per entity and
 * G-bucket (count, sums, non-null counts, counts above a threshold); every bucket b then seeds the
 * event times b + k·G for k in 1..W/G, and each event time combines the buckets in [t - W, t).
 * Because W is a multiple of G and t is aligned, those buckets cover the window exactly, so the
 * result equals a direct aggregation while touching each source row once. Sums of integer
 * columns stay exact (HUGEINT) until the final division, which makes the values reproducible
 * bit for bit from the raw rows. Rows are computed once, when a view version is applied, and
 * written to a temporary file that is renamed into place, so a file that exists is complete.
 *
 * <p>File layout: {@code __entity} VARCHAR, {@code __event_time_us} BIGINT (UTC micros), then one
 * DOUBLE column per feature, named as the feature (NULL where the value is missing).
 */
public final class OfflineStore {

  /** Column of the entity key, as text, in every feature rows file. */
  public static final String ENTITY = "__entity";
  /** Column of the event time in microseconds since the epoch (UTC). */
  public static final String EVENT_TIME_MICROS = "__event_time_us";

  private static final Logger LOG = Logger.getLogger(OfflineStore.class);

  private final DuckDb duckDb;
  private final Catalog catalog;
  private final Path offlineDir;
  private final Clock clock;

  public OfflineStore(DuckDb duckDb, Catalog catalog, Path dataDir, Clock clock) {
    this.duckDb = duckDb;
    this.catalog = catalog;
    this.offlineDir = dataDir.resolve("offline");
    this.clock = clock;
  }

  /**
   * Validates the spec (INVALID_ARGUMENT naming the field) and returns the view's newest version
   * when neither the spec nor the source's content changed, or stores and returns the next
   * version with its feature rows and the source's dataset version they came from.
   */
  public FeatureView apply(FeatureViewSpec spec) {
    RegisteredSource source = FeatureViewValidator.validate(spec, catalog);

    return catalog.applyView(spec, source.dataset().getContentSha256(),
        version -> FeatureView.newBuilder()
            .setSpec(spec)
            .setVersion(version)
            .setCreatedAt(Timestamps.fromMillis(clock.millis()))
            .addAllFeatureNames(spec.getAggregationsList().stream()
                .map(Aggregation::getName)
                .toList())
            .setSourceDataset(source.dataset())
            .build(),
        view -> writeRows(view, source));
  }

  /** The rows file of {@code view}, rebuilt first when it went missing from the data dir. */
  public Path rowsOf(FeatureView view) {
    Path rows = rowsPath(view);
    if (Files.isRegularFile(rows)) {
      return rows;
    }
    RegisteredSource source = catalog.findSource(view.getSpec().getSource())
        .orElseThrow(() -> FeatureStoreException.notFound("source '"
            + view.getSpec().getSource() + "' of view '" + view.getSpec().getName()
            + "' is no longer registered"));
    synchronized (this) {
      if (!Files.isRegularFile(rows)) {
        writeRows(view, source);
      }
    }
    return rows;
  }

  private Path rowsPath(FeatureView view) {
    return offlineDir.resolve(view.getSpec().getName())
        .resolve("v" + view.getVersion() + ".parquet");
  }

  private void writeRows(FeatureView view, RegisteredSource source) {
    long startNanos = System.nanoTime();
    Path rows = rowsPath(view);
    Path partial = rows.resolveSibling(rows.getFileName() + ".partial");
    try (Connection connection = duckDb.connect();
        Statement statement = connection.createStatement()) {
      Files.createDirectories(rows.getParent());
      Files.deleteIfExists(partial);
      statement.execute("COPY (" + featureRowsSql(view.getSpec(), source) + ") TO "
          + quoteLiteral(partial.toString()) + " (FORMAT parquet, COMPRESSION zstd)");
      Files.move(partial, rows, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot write the feature rows of view "
          + view.getSpec().getName() + " version " + view.getVersion(), e);
    }
    LOG.infof("feature rows written view=%s version=%d source=%s elapsed_ms=%d",
        view.getSpec().getName(), view.getVersion(), source.name(),
        (System.nanoTime() - startNanos) / 1_000_000);
  }

  static String featureRowsSql(FeatureViewSpec spec, RegisteredSource source) {
    long granularityMicros = Durations.toMicros(spec.getGranularity());
    long windowMicros = Durations.toMicros(spec.getWindow());
    String timestamp = quoteIdentifier(source.timestampColumn());
    String entity = quoteIdentifier(spec.getEntityColumn());
    List<String> inputs = new ArrayList<>();
    List<String> partials = new ArrayList<>();
    List<String> finals = new ArrayList<>();
    for (int i = 0; i < spec.getAggregationsCount(); i++) {
      addAggregation(spec.getAggregations(i), i, source, inputs, partials, finals);
    }
    String src = "SELECT CAST(" + entity + " AS VARCHAR) AS e, epoch_us(" + timestamp
        + ") AS ts" + prefixed(inputs) + " FROM " + source.scanSql() + " WHERE " + entity
        + " IS NOT NULL AND " + timestamp + " IS NOT NULL";
    String buckets = "SELECT e, ts - (((ts % " + granularityMicros + ") + " + granularityMicros
        + ") % " + granularityMicros + ") AS bucket, count(*) AS n" + prefixed(partials)
        + " FROM src GROUP BY ALL";
    String grid = "SELECT DISTINCT e, bucket + k * " + granularityMicros + " AS t FROM buckets, "
        + "range(1, " + (windowMicros / granularityMicros + 1) + ") AS steps(k)";
    return "WITH src AS (" + src + "), buckets AS (" + buckets + "), grid AS (" + grid + ") "
        + "SELECT g.e AS " + ENTITY + ", g.t AS " + EVENT_TIME_MICROS + prefixed(finals)
        + " FROM grid g JOIN buckets b ON b.e = g.e AND b.bucket >= g.t - " + windowMicros
        + " AND b.bucket < g.t GROUP BY g.e, g.t ORDER BY g.e, g.t";
  }

  private static void addAggregation(Aggregation aggregation, int index,
      RegisteredSource source, List<String> inputs, List<String> partials,
      List<String> finals) {
    String feature = quoteIdentifier(aggregation.getName());
    String input = "c" + index;
    if (!aggregation.getColumn().isEmpty() && source.isNumeric(aggregation.getColumn())) {
      String sqlType = source.columnType(aggregation.getColumn()).orElseThrow()
          == ColumnType.COLUMN_TYPE_DOUBLE ? "DOUBLE" : "BIGINT";
      inputs.add("CAST(" + quoteIdentifier(aggregation.getColumn()) + " AS " + sqlType + ") AS "
          + input);
    }
    switch (aggregation.getFunction()) {
      case AGGREGATION_FUNCTION_COUNT -> finals.add("CAST(sum(b.n) AS DOUBLE) AS " + feature);
      case AGGREGATION_FUNCTION_SUM -> {
        partials.add("sum(" + input + ") AS s" + index);
        finals.add("CAST(sum(b.s" + index + ") AS DOUBLE) AS " + feature);
      }
      case AGGREGATION_FUNCTION_MEAN -> {
        partials.add("sum(" + input + ") AS s" + index);
        partials.add("count(" + input + ") AS m" + index);
        finals.add("CAST(sum(b.s" + index + ") AS DOUBLE) / NULLIF(sum(b.m" + index
            + "), 0) AS " + feature);
      }
      case AGGREGATION_FUNCTION_SHARE_ABOVE -> {
        partials.add("count(*) FILTER (WHERE " + input + " > " + aggregation.getThreshold()
            + ") AS a" + index);
        finals.add("CAST(sum(b.a" + index + ") AS DOUBLE) / sum(b.n) AS " + feature);
      }
      default -> throw new IllegalArgumentException(
          "unvalidated aggregation function " + aggregation.getFunction());
    }
  }

  private static String prefixed(List<String> expressions) {
    return expressions.stream().map(expression -> ", " + expression).reduce("", String::concat);
  }
}
