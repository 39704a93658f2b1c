package io.mlmesh.featurestore.ingest;

import static io.mlmesh.featurestore.catalog.DuckDb.quoteIdentifier;
import static io.mlmesh.featurestore.catalog.DuckDb.quoteLiteral;

import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.catalog.DuckDb;
import io.mlmesh.featurestore.catalog.Names;
import io.mlmesh.featurestore.catalog.RegisteredSource;
import io.mlmesh.featurestore.catalog.SourceInspector;
import io.mlmesh.featurestore.v1.ColumnPolicy;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.Expectations;
import io.mlmesh.featurestore.v1.FileFormat;
import io.mlmesh.featurestore.v1.IngestionReport;
import io.mlmesh.featurestore.v1.RegisterSourceRequest;
import io.mlmesh.featurestore.v1.RuleCount;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
import java.util.function.Function;
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
 * number and first failing rule. Both are forced to disk before they are renamed into place.
 * Rows without consent are counted and never stored. Log lines and failure descriptions carry
 * names and counts only, never values, and database messages (which may quote rows) are withheld
 * when the request marks personal columns. {@link StreamIngestion} runs the same checks and
 * writes on each streamed chunk. Any thread except the Vert.x event loop may call
 * {@link #ingest}.
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

  /** The checks of one batch: its row rules, privacy policies and consent condition. */
  record BatchChecks(RowRules rules, PrivacyPolicies privacy, Optional<String> consent) {

    /** The columns written for {@code input}'s rows, in input order: dropped ones left out. */
    List<ColumnSchema> storedColumns(RegisteredSource input) {
      List<ColumnSchema> stored = new ArrayList<>();
      for (ColumnSchema column : input.dataset().getColumnsList()) {
        privacy.storedType(column.getName(), rules.acceptedType(column.getName()))
            .ifPresent(type -> stored.add(ColumnSchema.newBuilder()
                .setName(column.getName()).setType(type).build()));
      }
      return stored;
    }
  }

  /**
   * Validates expectations, privacy policies and the consent column against {@code input}'s
   * columns: INVALID_ARGUMENT naming the field, FAILED_PRECONDITION for a keyed hash without a
   * configured key.
   */
  BatchChecks checksFor(Expectations expectations, List<ColumnPolicy> policies,
      String consentColumn, RegisteredSource input) {
    RowRules rules = RowRules.of(expectations, input, defaultMaxFailedShare);
    PrivacyPolicies privacy = PrivacyPolicies.of(policies, input, rules, keyedHashConfigured);
    return new BatchChecks(rules, privacy, consentCondition(consentColumn, input));
  }

  private RegisteredSource ingestFile(RegisterSourceRequest request, String input,
      boolean hashInput) {
    RegisteredSource source = inspector.inspect(request);
    BatchChecks checks = checksFor(request.getExpectations(), request.getPrivacyList(),
        request.getConsentColumn(), source);
    IngestionReport.Builder report = IngestionReport.newBuilder()
        .setInput(input)
        .setInputSha256(hashInput ? source.dataset().getContentSha256() : "")
        .addAllPersonalColumns(checks.privacy().personalColumns());

    Path accepted;
    try (Connection connection = duckDb.connect();
        Statement statement = connection.createStatement()) {
      accepted = checkAndWrite(statement, request.getName(), source, checks, report,
          dataDir.resolve("sources").resolve(request.getName()),
          partial -> SourceInspector.sha256Of(partial) + ".parquet");
    } catch (SQLException e) {
      throw failure(request.getName(), request.getPrivacyCount() > 0, e);
    }
    return describeAccepted(request, accepted, report.build());
  }

  /**
   * Checks every row {@code input.scanSql()} reads on {@code statement}'s connection and writes
   * the accepted rows into {@code acceptedDir}, named by {@code fileName} from the written
   * file, and the failing rows under the same name in {@code quarantine/<name>/}; both files are
   * on disk (fsync) before this returns. Fills {@code report}; FAILED_PRECONDITION, with nothing
   * written, when the batch is refused.
   */
  Path checkAndWrite(Statement statement, String name, RegisteredSource input,
      BatchChecks checks, IngestionReport.Builder report, Path acceptedDir,
      Function<Path, String> fileName) throws SQLException {
    stage(statement, input, checks.consent(), report);
    checkMissingShares(statement, checks.rules(), report.getInputRows()
        - report.getRowsWithoutConsent());
    statement.execute("CREATE TEMP TABLE " + CHECKED + " AS SELECT *, "
        + checks.rules().firstFailingRule() + " AS " + RowRules.RULE + " FROM " + STAGED);
    countFailures(statement, checks.rules(), report);
    refuseWhenTooManyFail(name, checks.rules(), report);

    Path accepted = writeAccepted(statement, input, checks, acceptedDir, fileName);
    writeQuarantine(statement, name, input, checks.privacy(), accepted, report);
    return accepted;
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

  private static Path writeAccepted(Statement statement, RegisteredSource source,
      BatchChecks checks, Path acceptedDir, Function<Path, String> fileName)
      throws SQLException {
    List<String> columns = new ArrayList<>();
    for (ColumnSchema column : source.dataset().getColumnsList()) {
      String value = checks.rules().acceptedValue(column.getName());
      ColumnType type = checks.rules().acceptedType(column.getName());
      checks.privacy().stored(column.getName(), value, type)
          .ifPresent(stored -> columns.add(stored + " AS " + quoteIdentifier(column.getName())));
    }
    Path partial = createParent(acceptedDir.resolve(UUID.randomUUID() + ".partial"));
    statement.execute("COPY (SELECT " + String.join(", ", columns) + " FROM " + CHECKED
        + " WHERE " + RowRules.RULE + " IS NULL ORDER BY " + RowRules.ROW + ") TO "
        + quoteLiteral(partial.toString()) + PARQUET);
    return move(partial, partial.resolveSibling(fileName.apply(partial)));
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

  /** A database failure; its message, which may quote rows, withheld for personal columns. */
  static RuntimeException failure(String name, boolean personal, SQLException e) {
    if (personal) {
      return new IllegalStateException("cannot ingest source " + name
          + " (database message withheld: the request marks personal columns)");
    }
    return new IllegalStateException("cannot ingest source " + name, e);
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

  /** Forces {@code from} to disk, renames it to {@code to} and forces the folder entry. */
  private static Path move(Path from, Path to) {
    try {
      force(from);
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      force(to.getParent());
      return to;
    } catch (IOException e) {
      throw new IllegalStateException("cannot move " + from + " to " + to, e);
    }
  }

  private static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
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
