package io.mlmesh.featurestore.offline;

import static io.mlmesh.featurestore.catalog.DuckDb.quoteIdentifier;
import static io.mlmesh.featurestore.catalog.DuckDb.quoteLiteral;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.TimeRanges;
import io.mlmesh.featurestore.catalog.Catalog;
import io.mlmesh.featurestore.catalog.RegisteredSource;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.ViewJoin;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Validates a training set request and turns it into one DuckDB query.
 *
 * <p>The query reads the source rows in [start, end), keeps a deterministic sample (a row stays
 * when DuckDB's {@code hash()} of all its source columns, read as a fraction of 2^64, falls
 * under {@code sample_fraction}: stable for a given DuckDB version), then ASOF LEFT JOINs each
 * view's feature rows on the entity key and {@code event_time <= row time}. The joined values
 * become NULL when the row is more than the view's TTL after the feature row. ASOF picks the
 * newest feature row not after the row, and a feature row at t only aggregates source rows before
 * t, so no value ever comes from the row's own time or later. Rows are sorted by the timestamp
 * and then by every output column, so equal requests stream equal bytes.
 */
final class TrainingSetPlanner {

  private static final int DEFAULT_BATCH_ROWS = 8192;
  private static final int MAX_BATCH_ROWS = 1_000_000;
  private static final BigDecimal TWO_TO_THE_64 = BigDecimal.valueOf(2).pow(64);
  private static final String ROW_MICROS = "__ts_us";

  private final Catalog catalog;
  private final OfflineStore offlineStore;

  TrainingSetPlanner(Catalog catalog, OfflineStore offlineStore) {
    this.catalog = catalog;
    this.offlineStore = offlineStore;
  }

  TrainingSetPlan plan(GetTrainingSetRequest request) {
    RegisteredSource source = catalog.findSource(request.getSource())
        .orElseThrow(() -> FeatureStoreException.notFound(
            "source '" + request.getSource() + "' is not registered"));
    List<String> columns = outputSourceColumns(request, source);
    List<ResolvedJoin> joins = resolveJoins(request, source);
    checkRange(request);

    String sql = "WITH r AS (" + rowsSql(request, source, joins) + ") SELECT "
        + selectList(columns, source, joins) + " FROM r" + joinClauses(joins)
        + orderBy(columns.indexOf(source.timestampColumn()) + 1,
            columns.size() + featureCount(joins));
    return new TrainingSetPlan(sql, schema(columns, source, joins), source.dataset(),
        joins.stream().map(ResolvedJoin::view).toList(), batchRows(request));
  }

  private record ResolvedJoin(FeatureView view, String entityColumn, String rowsPath) {
  }

  private static List<String> outputSourceColumns(GetTrainingSetRequest request,
      RegisteredSource source) {
    List<String> requested = request.getColumnsCount() == 0
        ? source.dataset().getColumnsList().stream().map(ColumnSchema::getName).toList()
        : request.getColumnsList();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < requested.size(); i++) {
      String column = requested.get(i);
      if (source.columnType(column).isEmpty()) {
        throw FeatureStoreException.invalidArgument("columns[" + i + "] '" + column
            + "' is not a column of source '" + source.name() + "'");
      }
      if (!seen.add(column)) {
        throw FeatureStoreException.invalidArgument(
            "columns[" + i + "] '" + column + "' is requested twice");
      }
    }
    List<String> columns = new ArrayList<>();
    if (!seen.contains(source.timestampColumn())) {
      columns.add(source.timestampColumn());
    }
    columns.addAll(requested);
    return columns;
  }

  private List<ResolvedJoin> resolveJoins(GetTrainingSetRequest request,
      RegisteredSource source) {
    List<ResolvedJoin> joins = new ArrayList<>();
    Set<String> joinedViews = new HashSet<>();
    for (int i = 0; i < request.getJoinsCount(); i++) {
      ViewJoin join = request.getJoins(i);
      String field = "joins[" + i + "]";
      FeatureView view = catalog.findView(join.getView(), join.getVersion())
          .orElseThrow(() -> FeatureStoreException.notFound(field + ".view '" + join.getView()
              + "'" + (join.getVersion() == 0 ? "" : " version " + join.getVersion())
              + " does not exist"));
      if (!joinedViews.add(join.getView())) {
        throw FeatureStoreException.invalidArgument(field + ".view '" + join.getView()
            + "' is joined twice: its feature columns would clash");
      }
      String entityColumn = join.getEntityColumn().isEmpty()
          ? view.getSpec().getEntityColumn()
          : join.getEntityColumn();
      if (source.columnType(entityColumn).isEmpty()) {
        throw FeatureStoreException.invalidArgument(field + ".entity_column '" + entityColumn
            + "' is not a column of source '" + source.name() + "'");
      }
      joins.add(new ResolvedJoin(view, entityColumn, offlineStore.rowsOf(view).toString()));
    }
    return joins;
  }

  private static void checkRange(GetTrainingSetRequest request) {
    double fraction = request.getSampleFraction();
    if (!(fraction >= 0 && fraction <= 1)) {
      throw FeatureStoreException.invalidArgument(
          "sample_fraction " + fraction + " must lie in [0, 1]");
    }
    if (request.getBatchRows() < 0 || request.getBatchRows() > MAX_BATCH_ROWS) {
      throw FeatureStoreException.invalidArgument("batch_rows " + request.getBatchRows()
          + " must lie in [0, " + MAX_BATCH_ROWS + "]");
    }
    TimeRanges.checkOrdered(request.hasStart(), request.getStart(), request.hasEnd(),
        request.getEnd());
  }

  private static int batchRows(GetTrainingSetRequest request) {
    return request.getBatchRows() == 0 ? DEFAULT_BATCH_ROWS : request.getBatchRows();
  }

  private static String rowsSql(GetTrainingSetRequest request, RegisteredSource source,
      List<ResolvedJoin> joins) {
    String timestamp = quoteIdentifier(source.timestampColumn());
    StringBuilder sql = new StringBuilder("SELECT *, epoch_us(").append(timestamp)
        .append(") AS ").append(ROW_MICROS);
    for (int i = 0; i < joins.size(); i++) {
      sql.append(", CAST(").append(quoteIdentifier(joins.get(i).entityColumn()))
          .append(" AS VARCHAR) AS __k").append(i);
    }
    sql.append(" FROM ").append(source.scanSql()).append(" WHERE ").append(timestamp)
        .append(" IS NOT NULL");
    if (request.hasStart()) {
      sql.append(" AND ").append(timestamp).append(" >= make_timestamp(")
          .append(Timestamps.toMicros(request.getStart())).append(')');
    }
    if (request.hasEnd()) {
      sql.append(" AND ").append(timestamp).append(" < make_timestamp(")
          .append(Timestamps.toMicros(request.getEnd())).append(')');
    }
    double fraction = request.getSampleFraction();
    if (fraction > 0 && fraction < 1) {
      String allColumns = source.dataset().getColumnsList().stream()
          .map(column -> quoteIdentifier(column.getName()))
          .collect(Collectors.joining(", "));
      sql.append(" AND hash(").append(allColumns).append(") < CAST(")
          .append(new BigDecimal(fraction).multiply(TWO_TO_THE_64).toBigInteger())
          .append(" AS UBIGINT)");
    }
    return sql.toString();
  }

  private static String selectList(List<String> columns, RegisteredSource source,
      List<ResolvedJoin> joins) {
    List<String> expressions = new ArrayList<>();
    for (String column : columns) {
      expressions.add(column.equals(source.timestampColumn())
          ? "r." + ROW_MICROS + " AS " + quoteIdentifier(column)
          : "r." + quoteIdentifier(column));
    }
    for (int i = 0; i < joins.size(); i++) {
      FeatureView view = joins.get(i).view();
      long ttlMicros = Durations.toMicros(view.getSpec().getTtl());
      for (String feature : view.getFeatureNamesList()) {
        expressions.add("CASE WHEN r." + ROW_MICROS + " - j" + i + "."
            + OfflineStore.EVENT_TIME_MICROS + " <= " + ttlMicros + " THEN j" + i + "."
            + quoteIdentifier(feature) + " END AS "
            + quoteIdentifier(featureColumn(view, feature)));
      }
    }
    return String.join(", ", expressions);
  }

  private static String joinClauses(List<ResolvedJoin> joins) {
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < joins.size(); i++) {
      String alias = "j" + i;
      sql.append(" ASOF LEFT JOIN read_parquet(").append(quoteLiteral(joins.get(i).rowsPath()))
          .append(") ").append(alias).append(" ON r.__k").append(i).append(" = ").append(alias)
          .append('.').append(OfflineStore.ENTITY).append(" AND r.").append(ROW_MICROS)
          .append(" >= ").append(alias).append('.').append(OfflineStore.EVENT_TIME_MICROS);
    }
    return sql.toString();
  }

  private static String orderBy(int timestampPosition, int columnCount) {
    Set<Integer> positions = new LinkedHashSet<>();
    positions.add(timestampPosition);
    IntStream.rangeClosed(1, columnCount).forEach(positions::add);
    return " ORDER BY " + positions.stream().map(String::valueOf)
        .collect(Collectors.joining(", "));
  }

  private static int featureCount(List<ResolvedJoin> joins) {
    return joins.stream().mapToInt(join -> join.view().getFeatureNamesCount()).sum();
  }

  private static List<ColumnSchema> schema(List<String> columns, RegisteredSource source,
      List<ResolvedJoin> joins) {
    List<ColumnSchema> schema = new ArrayList<>();
    for (String column : columns) {
      schema.add(ColumnSchema.newBuilder()
          .setName(column)
          .setType(source.columnType(column).orElseThrow())
          .build());
    }
    for (ResolvedJoin join : joins) {
      for (String feature : join.view().getFeatureNamesList()) {
        schema.add(ColumnSchema.newBuilder()
            .setName(featureColumn(join.view(), feature))
            .setType(ColumnType.COLUMN_TYPE_DOUBLE)
            .build());
      }
    }
    return schema;
  }

  private static String featureColumn(FeatureView view, String feature) {
    return view.getSpec().getName() + "__" + feature;
  }
}
