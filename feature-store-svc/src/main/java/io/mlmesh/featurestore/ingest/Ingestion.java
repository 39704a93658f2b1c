package io.mlmesh.featurestore.ingest;

import static io.mlmesh.featurestore.catalog.DuckDb.quoteIdentifier;
import static io.mlmesh.featurestore.catalog.DuckDb.quoteLiteral;

import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.catalog.DuckDb;
import io.mlmesh.featurestore.catalog.Names;
import io.mlmesh.featurestore.catalog.RegisteredSource;
import io.mlmesh.featurestore.catalog.SourceInspector;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.FileFormat;
import io.mlmesh.featurestore.v1.IngestionReport;
import io.mlmesh.featurestore.v1.RegisterSourceRequest;
import io.mlmesh.featurestore.v1.RuleCount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Registers a source by ingesting it: rows are filtered by consent, checked against the
 * expectations, transformed by the privacy policies and written under the data dir.
 *
 * <p>The input is copied once into a temporary DuckDB table numbered in input order; consent,
 * rules and counts are then plain SQL over that table. Nothing is written until the batch is
 * known to pass (missing shares and failing share within their limits), so a refused batch
 * leaves no file and no catalog entry. The accepted rows go to
 * {@code sources/<name>/<sha256>.parquet}, named by the hash of the file's own bytes, and become
 * the source; failing rows go to {@code quarantine/<name>/<sha256>.parquet} with their input row
 * number and first failing rule. Rows without consent are counted and never stored. Log lines
 * and failure descriptions carry names and counts only, never values, and database messages
 * (which may quote rows) are withheld when the request marks personal columns. Any thread except
 * the Vert.x event loop may call {@link #ingest}.
 */
public final class Ingestion {

  private static final Logger LOG = Logger.getLogger(Ingestion.class);
  private static final String STAGED = "ingest_staged";
  private static final String CHECKED = "ingest_checked";
  private static final String PARQUET = " (FORMAT parquet, COMPRESSION zstd)";

  private final DuckDb duckDb;
  private final SourceInspector inspector;
  private final JdbcExtractor jdbcExtractor;
  private final Path dataDir;
  private final double defaultMaxFailedShare;
  private final boolean keyedHashConfigured;

  public Ingestion(DuckDb duckDb, SourceInspector inspector, JdbcExtractor jdbcExtractor,
      Path dataDir, double defaultMaxFailedShare, boolean keyedHashConfigured) {
    this.duckDb = duckDb;
    this.inspector = inspector;
    this.jdbcExtractor = jdbcExtractor;
    this.dataDir = dataDir;
    this.defaultMaxFailedShare = defaultMaxFailedShare;
    this.keyedHashConfigured = keyedHashConfigured;
  }

  /** Whether {@code request} asks for an ingestion rather than a plain file registration. */
  public static boolean appliesTo(RegisterSourceRequest request) {
    return request.hasExpectations() || request.getPrivacyCount() > 0
        || !request.getConsentColumn().isEmpty() || request.hasJdbc();
  }

  /**
   * Ingests the request's file or JDBC rows and returns the source of the accepted rows, with
   * the report in its dataset. INVALID_ARGUMENT or NOT_FOUND for a bad request,
   * FAILED_PRECONDITION for a refused batch, UNAVAILABLE when the database cannot be reached.
   */
  public RegisteredSource ingest(RegisterSourceRequest request) {
    Names.check("name", request.getName());
    if (!request.hasJdbc()) {
      return ingestFile(request, Path.of(request.getPath()).toAbsolutePath().toString(), true);
    }

    Path extract = dataDir.resolve("extracts").resolve(UUID.randomUUID() + ".parquet");
    try {
      String input = jdbcExtractor.extract(request.getJdbc(), extract,
          request.getPrivacyCount() > 0);
      RegisterSourceRequest fileRequest = request.toBuilder()
          .clearJdbc()
          .setPath(extract.toString())
          .setFormat(FileFormat.FILE_FORMAT_PARQUET)
          .build();
      return ingestFile(fileRequest, input, false);
    } finally {
      deleteQuietly(extract);
    }
  }

  private RegisteredSource ingestFile(RegisterSourceRequest request, String input,
      boolean hashInput) {
    RegisteredSource source = inspector.inspect(request);
    RowRules rules = RowRules.of(request.getExpectations(), source, defaultMaxFailedShare);
    PrivacyPolicies privacy = PrivacyPolicies.of(request.getPrivacyList(), source, rules,
        keyedHashConfigured);
    Optional<String> consent = consentCondition(request.getConsentColumn(), source);
    IngestionReport.Builder report = IngestionReport.newBuilder()
        .setInput(input)
        .setInputSha256(hashInput ? source.dataset().getContentSha256() : "")
        .addAllPersonalColumns(privacy.personalColumns());

    Path accepted;
    try (Connection connection = duckDb.connect();
        Statement statement = connection.createStatement()) {
      stage(statement, source, consent, report);
      checkMissingShares(statement, rules, report.getInputRows()
          - report.getRowsWithoutConsent());
      statement.execute("CREATE TEMP TABLE " + CHECKED + " AS SELECT *, "
          + rules.firstFailingRule() + " AS " + RowRules.RULE + " FROM " + STAGED);
      countFailures(statement, rules, report);
      refuseWhenTooManyFail(request.getName(), rules, report);
      accepted = writeAccepted(statement, request.getName(), source, rules, privacy);
      writeQuarantine(statement, request.getName(), source, privacy, accepted, report);
    } catch (SQLException e) {
      throw failure(request, e);
    }
    return describeAccepted(request, accepted, report.build());
  }

  private static void stage(Statement statement, RegisteredSource source,
      Optional<String> consent, IngestionReport.Builder report) throws SQLException {
    statement.execute("CREATE TEMP TABLE " + STAGED + " AS SELECT row_number() OVER () AS "
        + RowRules.ROW + ", * FROM " + source.scanSql());
    report.setInputRows(count(statement, "SELECT count(*) FROM " + STAGED));
    if (consent.isPresent()) {
      report.setRowsWithoutConsent(statement.executeUpdate("DELETE FROM " + STAGED
          + " WHERE NOT coalesce(" + consent.get() + ", false)"));
    }
  }

  private static void checkMissingShares(Statement statement, RowRules rules, long rows)
      throws SQLException {
    for (RowRules.MissingLimit limit : rules.missingLimits()) {
      long missing = count(statement, "SELECT count(*) FROM " + STAGED + " WHERE "
          + quoteIdentifier(limit.column()) + " IS NULL");
      double share = rows == 0 ? 0 : (double) missing / rows;
      if (share > limit.maxShare()) {
        throw FeatureStoreException.failedPrecondition("batch refused: column '"
            + limit.column() + "' is missing in " + missing + " of " + rows + " rows ("
            + percent(share) + "), above " + limit.field() + " " + percent(limit.maxShare()));
      }
    }
  }

  private static void countFailures(Statement statement, RowRules rules,
      IngestionReport.Builder report) throws SQLException {
    Map<String, Long> byRule = new HashMap<>();
    String sql = "SELECT " + RowRules.RULE + ", count(*) FROM " + CHECKED + " WHERE "
        + RowRules.RULE + " IS NOT NULL GROUP BY ALL";
    try (ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        byRule.put(rows.getString(1), rows.getLong(2));
      }
    }
    long quarantined = 0;
    for (String rule : rules.ruleNames()) {
      long failed = byRule.getOrDefault(rule, 0L);
      if (failed > 0) {
        report.addQuarantinedByRule(RuleCount.newBuilder().setRule(rule).setRows(failed));
        quarantined += failed;
      }
    }
    long checked = report.getInputRows() - report.getRowsWithoutConsent();
    report.setQuarantinedRows(quarantined).setAcceptedRows(checked - quarantined);
  }

  private static void refuseWhenTooManyFail(String name, RowRules rules,
      IngestionReport.Builder report) {
    long checked = report.getAcceptedRows() + report.getQuarantinedRows();
    double share = checked == 0 ? 0 : (double) report.getQuarantinedRows() / checked;
    if (share <= rules.maxFailedShare()) {
      return;
    }
    String byRule = String.join(", ", report.getQuarantinedByRuleList().stream()
        .map(count -> count.getRule() + "=" + count.getRows())
        .toList());
    LOG.warnf("ingestion refused source=%s checked_rows=%d failed_rows=%d limit=%s",
        name, checked, report.getQuarantinedRows(), percent(rules.maxFailedShare()));
    throw FeatureStoreException.failedPrecondition("batch refused: " + report.getQuarantinedRows()
        + " of " + checked + " rows (" + percent(share) + ") failed expectations, above the "
        + "limit " + percent(rules.maxFailedShare()) + "; failing rules: " + byRule);
  }

  private Path writeAccepted(Statement statement, String name, RegisteredSource source,
      RowRules rules, PrivacyPolicies privacy) throws SQLException {
    List<String> columns = new ArrayList<>();
    for (ColumnSchema column : source.dataset().getColumnsList()) {
      String value = rules.acceptedValue(column.getName());
      ColumnType type = rules.acceptedType(column.getName());
      privacy.stored(column.getName(), value, type)
          .ifPresent(stored -> columns.add(stored + " AS " + quoteIdentifier(column.getName())));
    }
    Path partial = createParent(dataDir.resolve("sources").resolve(name)
        .resolve(UUID.randomUUID() + ".partial"));
    statement.execute("COPY (SELECT " + String.join(", ", columns) + " FROM " + CHECKED
        + " WHERE " + RowRules.RULE + " IS NULL ORDER BY " + RowRules.ROW + ") TO "
        + quoteLiteral(partial.toString()) + PARQUET);
    Path accepted = partial.resolveSibling(SourceInspector.sha256Of(partial) + ".parquet");
    return move(partial, accepted);
  }

  private void writeQuarantine(Statement statement, String name, RegisteredSource source,
      PrivacyPolicies privacy, Path accepted, IngestionReport.Builder report)
      throws SQLException {
    if (report.getQuarantinedRows() == 0) {
      return;
    }
    List<String> columns = new ArrayList<>(List.of(RowRules.ROW));
    for (ColumnSchema column : source.dataset().getColumnsList()) {
      String quoted = quoteIdentifier(column.getName());
      privacy.stored(column.getName(), quoted, column.getType())
          .ifPresent(stored -> columns.add(stored + " AS " + quoted));
    }
    columns.add(RowRules.RULE);
    Path quarantine = createParent(dataDir.resolve("quarantine").resolve(name)
        .resolve(accepted.getFileName()));
    Path partial = quarantine.resolveSibling(UUID.randomUUID() + ".partial");
    statement.execute("COPY (SELECT " + String.join(", ", columns) + " FROM " + CHECKED
        + " WHERE " + RowRules.RULE + " IS NOT NULL ORDER BY " + RowRules.ROW + ") TO "
        + quoteLiteral(partial.toString()) + PARQUET);
    report.setQuarantinePath(move(partial, quarantine).toString());
  }

  private RegisteredSource describeAccepted(RegisterSourceRequest request, Path accepted,
      IngestionReport report) {
    RegisteredSource source = inspector.inspect(RegisterSourceRequest.newBuilder()
        .setName(request.getName())
        .setPath(accepted.toString())
        .setFormat(FileFormat.FILE_FORMAT_PARQUET)
        .setTimestampColumn(request.getTimestampColumn())
        .build());
    LOG.infof("source ingested source=%s input_rows=%d without_consent=%d accepted=%d "
            + "quarantined=%d sha256=%s", request.getName(), report.getInputRows(),
        report.getRowsWithoutConsent(), report.getAcceptedRows(), report.getQuarantinedRows(),
        source.dataset().getContentSha256());
    return new RegisteredSource(source.dataset().toBuilder().setIngestion(report).build(),
        source.timestampColumn(), source.scanSql());
  }

  private static Optional<String> consentCondition(String column, RegisteredSource source) {
    if (column.isEmpty()) {
      return Optional.empty();
    }
    ColumnType type = source.columnType(column)
        .orElseThrow(() -> FeatureStoreException.invalidArgument("consent_column '" + column
            + "' is not a column of the input"));
    String quoted = quoteIdentifier(column);
    return Optional.of(switch (type) {
      case COLUMN_TYPE_BOOL -> quoted;
      case COLUMN_TYPE_INT64, COLUMN_TYPE_DOUBLE -> quoted + " <> 0";
      case COLUMN_TYPE_STRING -> "lower(trim(" + quoted + ")) IN ('true', 'yes', 'y', '1')";
      default -> throw FeatureStoreException.invalidArgument("consent_column '" + column
          + "' is " + type + "; expected BOOL, a number or text");
    });
  }

  private static RuntimeException failure(RegisterSourceRequest request, SQLException e) {
    if (request.getPrivacyCount() > 0) {
      return new IllegalStateException("cannot ingest source " + request.getName()
          + " (database message withheld: the request marks personal columns)");
    }
    return new IllegalStateException("cannot ingest source " + request.getName(), e);
  }

  private static long count(Statement statement, String sql) throws SQLException {
    try (ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.2f%%", share * 100);
  }

  private static Path createParent(Path file) {
    try {
      Files.createDirectories(file.getParent());
      return file;
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the folder " + file.getParent(), e);
    }
  }

  private static Path move(Path from, Path to) {
    try {
      return Files.move(from, to, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new IllegalStateException("cannot move " + from + " to " + to, e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warnf("cannot delete the JDBC extract file=%s: %s", file, e.getMessage());
    }
  }
}
