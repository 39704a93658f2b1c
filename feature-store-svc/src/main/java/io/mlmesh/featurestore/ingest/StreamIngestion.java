package io.mlmesh.featurestore.ingest;

import static io.mlmesh.featurestore.catalog.DuckDb.quoteIdentifier;
import static io.mlmesh.featurestore.catalog.DuckDb.quoteLiteral;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Timestamps;
import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.catalog.Catalog;
import io.mlmesh.featurestore.catalog.DuckDb;
import io.mlmesh.featurestore.catalog.Names;
import io.mlmesh.featurestore.catalog.RegisteredSource;
import io.mlmesh.featurestore.catalog.SourceInspector;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.IngestAck;
import io.mlmesh.featurestore.v1.IngestStreamHeader;
import io.mlmesh.featurestore.v1.IngestionReport;
import io.mlmesh.featurestore.v1.RowBatch;
import io.mlmesh.featurestore.v1.RuleCount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.jboss.logging.Logger;

/**
 * Appends streamed chunks of rows to sources, each chunk checked and written exactly like a
 * file ingestion by {@link Ingestion#checkAndWrite}: consent filter, expectations, quarantine
 * and privacy policies.
 *
 * <p>A streamed source is defined by the header that created it (input columns, timestamp
 * column, expectations, privacy, consent), kept in the table {@code stream_sources}. Its rows
 * live in segments, one Parquet file per acknowledged chunk under
 * {@code sources/<name>/stream/<sequence>.parquet}; the source's scan reads them all through a
 * glob, so training sets and views applied later see every acknowledged row. Small chunks are
 * not grouped: an ack cannot wait for rows that have not arrived, so the client chooses the
 * chunk size (bounded by {@code maxChunkRows}) and each chunk is one segment.
 *
 * <p>Durable means: the segment (and its quarantine file) is forced to disk and renamed into
 * place, then one DuckDB transaction stores the chunk's ack in {@code stream_acks} together with
 * the source's new catalog entry; DuckDB forces its write-ahead log at commit. Only then is the
 * ack returned, so a kill after it loses nothing. A kill between the rename and the commit
 * leaves a segment that no ack names; {@link #open} deletes such files, so the client's resend
 * writes those rows once. A resent sequence number finds its stored ack and writes nothing.
 *
 * <p>Appends to one source are serialised on a lock of their own (segment order, sequence
 * checks); different sources are written in parallel. Any thread except the Vert.x event loop
 * may call {@link #start} and {@link #append}.
 */
public final class StreamIngestion {

  private static final Logger LOG = Logger.getLogger(StreamIngestion.class);
  private static final String CHUNK = "stream_chunk";
  private static final String SEGMENTS = "stream";
  private static final String CREATE_SOURCES = "CREATE TABLE IF NOT EXISTS stream_sources ("
      + "name VARCHAR PRIMARY KEY, header BLOB)";
  private static final String CREATE_ACKS = "CREATE TABLE IF NOT EXISTS stream_acks ("
      + "source VARCHAR, sequence BIGINT, ack BLOB, PRIMARY KEY (source, sequence))";

  private final DuckDb duckDb;
  private final Catalog catalog;
  private final Ingestion ingestion;
  private final Path dataDir;
  private final int maxChunkRows;
  private final Map<String, IngestStreamHeader> definitions = new ConcurrentHashMap<>();
  private final Map<String, Object> sourceLocks = new ConcurrentHashMap<>();

  /** A stream's source: its definition and the checks built from it, for one call. */
  public static final class Target {

    private final IngestStreamHeader definition;
    private final RegisteredSource input;
    private final Ingestion.BatchChecks checks;

    private Target(IngestStreamHeader definition, RegisteredSource input,
        Ingestion.BatchChecks checks) {
      this.definition = definition;
      this.input = input;
      this.checks = checks;
    }

    public String source() {
      return definition.getSource();
    }
  }

  private record Segment(Path path, String sha256, long rows, long minMicros, long maxMicros) {
  }

  private StreamIngestion(DuckDb duckDb, Catalog catalog, Ingestion ingestion, Path dataDir,
      int maxChunkRows) {
    this.duckDb = duckDb;
    this.catalog = catalog;
    this.ingestion = ingestion;
    this.dataDir = dataDir;
    this.maxChunkRows = maxChunkRows;
  }

  /**
   * Creates the stream tables when absent, loads the stream definitions and deletes segment
   * files no stored ack names (left by a kill before their commit).
   */
  public static StreamIngestion open(DuckDb duckDb, Catalog catalog, Ingestion ingestion,
      Path dataDir, int maxChunkRows) {
    StreamIngestion streams = new StreamIngestion(duckDb, catalog, ingestion, dataDir,
        maxChunkRows);
    Set<String> ackedSegments = new HashSet<>();
    try (Connection connection = duckDb.connect();
        Statement statement = connection.createStatement()) {
      statement.execute(CREATE_SOURCES);
      statement.execute(CREATE_ACKS);
      streams.loadDefinitions(statement);
      loadAckedSegments(statement, ackedSegments);
    } catch (SQLException | InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot read the stream tables", e);
    }
    streams.deleteUnacknowledged(ackedSegments);
    return streams;
  }

  /** Whether {@code source} was created by a stream (RegisterSource must not replace it). */
  public boolean isStreamed(String source) {
    return definitions.containsKey(source);
  }

  /**
   * Resolves a stream's header: a new source's definition (validated like a RegisterSource
   * ingestion), or the stored one of a source an earlier stream created. INVALID_ARGUMENT or
   * NOT_FOUND naming the field, FAILED_PRECONDITION when the name belongs to a file source or
   * the header differs from the stored definition.
   */
  public Target start(IngestStreamHeader header) {
    Names.check("header.source", header.getSource());
    IngestStreamHeader stored = definitions.get(header.getSource());
    IngestStreamHeader definition = header.getColumnsCount() == 0 ? stored : header;
    if (stored == null && catalog.findSource(header.getSource()).isPresent()) {
      throw FeatureStoreException.failedPrecondition("header.source '" + header.getSource()
          + "' was registered by RegisterSource; streams append only to sources they created");
    }
    if (definition == null) {
      throw FeatureStoreException.notFound("header.source '" + header.getSource()
          + "' does not exist; a header that creates it sets columns and timestamp_column");
    }
    if (stored != null && !stored.equals(definition)) {
      throw FeatureStoreException.failedPrecondition("header of source '" + header.getSource()
          + "' differs from the definition it was created with; send only header.source to "
          + "append with that definition");
    }
    RegisteredSource input = inputOf(definition);
    return new Target(definition, input, ingestion.checksFor(definition.getExpectations(),
        definition.getPrivacyList(), definition.getConsentColumn(), input));
  }

  /**
   * Checks and durably writes one chunk and returns its ack; a sequence number acknowledged
   * before returns its stored ack (marked replayed) and writes nothing. INVALID_ARGUMENT for a
   * malformed chunk, RESOURCE_EXHAUSTED above the row limit, FAILED_PRECONDITION when the
   * chunk's failing or missing share is above its limit (then nothing is written).
   */
  public IngestAck append(Target target, RowBatch rows) {
    if (rows.getSequence() < 1) {
      throw FeatureStoreException.invalidArgument("rows.sequence " + rows.getSequence()
          + " must be at least 1");
    }
    if (rows.getRowCount() > maxChunkRows) {
      throw FeatureStoreException.resourceExhausted("rows.row_count " + rows.getRowCount()
          + " of chunk sequence " + rows.getSequence() + " is above the limit "
          + "mlmesh.featurestore.ingestion.stream.max-chunk-rows = " + maxChunkRows);
    }
    RowBatches.CheckedBatch batch = RowBatches.check(rows, target.source(),
        target.input.dataset().getColumnsList());

    synchronized (sourceLocks.computeIfAbsent(target.source(), name -> new Object())) {
      Optional<IngestAck> earlier = findAck(target.source(), rows.getSequence());
      if (earlier.isPresent()) {
        return earlier.get().toBuilder().setReplayed(true).build();
      }
      IngestStreamHeader current = definitions.get(target.source());
      if (current != null && !current.equals(target.definition)) {
        throw FeatureStoreException.failedPrecondition("source '" + target.source()
            + "' was created meanwhile by another stream with a different definition");
      }
      return write(target, rows.getSequence(), batch);
    }
  }

  private IngestAck write(Target target, long sequence, RowBatches.CheckedBatch batch) {
    String name = target.source();
    IngestionReport.Builder report = IngestionReport.newBuilder()
        .setInput("IngestStream")
        .addAllPersonalColumns(target.checks.privacy().personalColumns());
    Segment segment;
    try (Connection connection = duckDb.connect();
        Statement statement = connection.createStatement()) {
      loadChunk(connection, statement, target.input, batch);
      Path accepted = ingestion.checkAndWrite(statement, name, target.input, target.checks,
          report, segmentDir(name), partial -> String.format("%019d.parquet", sequence));
      segment = describeSegment(statement, accepted, target.definition.getTimestampColumn());
    } catch (SQLException e) {
      throw Ingestion.failure(name, target.definition.getPrivacyCount() > 0, e);
    }
    RegisteredSource source = nextVersion(target, segment, report);
    IngestAck ack = ackOf(sequence, report, segment, source.dataset());
    try {
      catalog.putSource(source, connection -> storeAck(connection, target.definition, ack));
    } catch (RuntimeException e) {
      deleteQuietly(segment.path());
      deleteQuietly(quarantineOf(name, segment.path()));
      throw e;
    }
    definitions.putIfAbsent(name, target.definition);
    LOG.debugf("chunk written source=%s sequence=%d accepted=%d quarantined=%d source_rows=%d",
        name, sequence, ack.getAcceptedRows(), ack.getQuarantinedRows(), ack.getSourceRows());
    return ack;
  }

  private static RegisteredSource inputOf(IngestStreamHeader definition) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < definition.getColumnsCount(); i++) {
      ColumnSchema column = definition.getColumns(i);
      if (column.getName().isEmpty() || !names.add(column.getName())) {
        throw FeatureStoreException.invalidArgument("header.columns[" + i + "].name '"
            + column.getName() + "' must be set and unique");
      }
      if (column.getType() == ColumnType.COLUMN_TYPE_UNSPECIFIED) {
        throw FeatureStoreException.invalidArgument("header.columns[" + i + "] '"
            + column.getName() + "' needs a type");
      }
    }
    String timestampColumn = definition.getTimestampColumn();
    boolean timestamp = definition.getColumnsList().stream().anyMatch(column ->
        column.getName().equals(timestampColumn)
            && column.getType() == ColumnType.COLUMN_TYPE_TIMESTAMP);
    if (!timestamp) {
      throw FeatureStoreException.invalidArgument("header.timestamp_column '" + timestampColumn
          + "' must name a column of type COLUMN_TYPE_TIMESTAMP in header.columns");
    }
    DatasetVersion dataset = DatasetVersion.newBuilder()
        .setName(definition.getSource())
        .addAllColumns(definition.getColumnsList())
        .build();
    return new RegisteredSource(dataset, timestampColumn, CHUNK);
  }

  private static void loadChunk(Connection connection, Statement statement,
      RegisteredSource input, RowBatches.CheckedBatch batch) throws SQLException {
    List<String> columns = input.dataset().getColumnsList().stream()
        .map(column -> quoteIdentifier(column.getName()) + " "
            + RowRules.sqlType(column.getType()))
        .toList();
    statement.execute("CREATE TEMP TABLE " + CHUNK + " (" + String.join(", ", columns) + ")");
    try (DuckDBAppender appender = connection.unwrap(DuckDBConnection.class)
        .createAppender("temp", "main", CHUNK)) {
      RowBatches.append(appender, batch);
    }
  }

  private static Segment describeSegment(Statement statement, Path segment,
      String timestampColumn) throws SQLException {
    String time = quoteIdentifier(timestampColumn);
    String sql = "SELECT count(*), epoch_us(min(" + time + ")), epoch_us(max(" + time
        + ")) FROM read_parquet(" + quoteLiteral(segment.toString()) + ")";
    try (ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return new Segment(segment, SourceInspector.sha256Of(segment), rows.getLong(1),
          rows.getLong(2), rows.getLong(3));
    }
  }

  private RegisteredSource nextVersion(Target target, Segment segment,
      IngestionReport.Builder chunkReport) {
    Optional<DatasetVersion> previous = catalog.findSource(target.source())
        .filter(source -> definitions.containsKey(target.source()))
        .map(RegisteredSource::dataset);
    List<ColumnSchema> stored = target.checks.storedColumns(target.input);
    DatasetVersion.Builder dataset = DatasetVersion.newBuilder()
        .setName(target.source())
        .setContentSha256(sha256(previous.map(DatasetVersion::getContentSha256).orElse("")
            + segment.sha256()))
        .setRowCount(previous.map(DatasetVersion::getRowCount).orElse(0L) + segment.rows())
        .addAllColumns(stored)
        .setPath(segmentDir(target.source()).toString())
        .setIngestion(totals(previous.map(DatasetVersion::getIngestion), chunkReport));
    previous.filter(DatasetVersion::hasMinTime).ifPresent(before -> dataset
        .setMinTime(before.getMinTime()).setMaxTime(before.getMaxTime()));
    if (segment.rows() > 0) {
      long min = Math.min(segment.minMicros(), previous.filter(DatasetVersion::hasMinTime)
          .map(before -> Timestamps.toMicros(before.getMinTime())).orElse(Long.MAX_VALUE));
      long max = Math.max(segment.maxMicros(), previous.filter(DatasetVersion::hasMaxTime)
          .map(before -> Timestamps.toMicros(before.getMaxTime())).orElse(Long.MIN_VALUE));
      dataset.setMinTime(Timestamps.fromMicros(min)).setMaxTime(Timestamps.fromMicros(max));
    }
    return new RegisteredSource(dataset.build(), target.definition.getTimestampColumn(),
        scanSql(target.source(), stored));
  }

  private static IngestionReport totals(Optional<IngestionReport> previous,
      IngestionReport.Builder chunk) {
    IngestionReport before = previous.orElse(IngestionReport.getDefaultInstance());
    Map<String, Long> byRule = new LinkedHashMap<>();
    for (RuleCount count : before.getQuarantinedByRuleList()) {
      byRule.merge(count.getRule(), count.getRows(), Long::sum);
    }
    for (RuleCount count : chunk.getQuarantinedByRuleList()) {
      byRule.merge(count.getRule(), count.getRows(), Long::sum);
    }
    IngestionReport.Builder total = IngestionReport.newBuilder()
        .setInput(chunk.getInput())
        .setInputRows(before.getInputRows() + chunk.getInputRows())
        .setRowsWithoutConsent(before.getRowsWithoutConsent() + chunk.getRowsWithoutConsent())
        .setAcceptedRows(before.getAcceptedRows() + chunk.getAcceptedRows())
        .setQuarantinedRows(before.getQuarantinedRows() + chunk.getQuarantinedRows())
        .addAllPersonalColumns(chunk.getPersonalColumnsList());
    byRule.forEach((rule, rows) -> total.addQuarantinedByRule(
        RuleCount.newBuilder().setRule(rule).setRows(rows)));
    return total.build();
  }

  private String scanSql(String source, List<ColumnSchema> stored) {
    List<String> columns = stored.stream()
        .map(column -> "CAST(" + quoteIdentifier(column.getName()) + " AS "
            + RowRules.sqlType(column.getType()) + ") AS " + quoteIdentifier(column.getName()))
        .toList();
    String glob = segmentDir(source).resolve("*.parquet").toString();
    return "(SELECT " + String.join(", ", columns) + " FROM read_parquet("
        + quoteLiteral(glob) + "))";
  }

  private static IngestAck ackOf(long sequence, IngestionReport.Builder report,
      Segment segment, DatasetVersion source) {
    return IngestAck.newBuilder()
        .setSequence(sequence)
        .setAcceptedRows(report.getAcceptedRows())
        .setQuarantinedRows(report.getQuarantinedRows())
        .addAllQuarantinedByRule(report.getQuarantinedByRuleList())
        .setRowsWithoutConsent(report.getRowsWithoutConsent())
        .setQuarantinePath(report.getQuarantinePath())
        .setSegmentPath(segment.path().toString())
        .setSourceRows(source.getRowCount())
        .setSourceContentSha256(source.getContentSha256())
        .build();
  }

  private static void storeAck(Connection connection, IngestStreamHeader definition,
      IngestAck ack) throws SQLException {
    try (PreparedStatement definitionInsert = connection.prepareStatement(
            "INSERT OR IGNORE INTO stream_sources VALUES (?, ?)");
        PreparedStatement ackInsert = connection.prepareStatement(
            "INSERT INTO stream_acks VALUES (?, ?, ?)")) {
      definitionInsert.setString(1, definition.getSource());
      definitionInsert.setBytes(2, definition.toByteArray());
      definitionInsert.execute();
      ackInsert.setString(1, definition.getSource());
      ackInsert.setLong(2, ack.getSequence());
      ackInsert.setBytes(3, ack.toByteArray());
      ackInsert.execute();
    }
  }

  private Optional<IngestAck> findAck(String source, long sequence) {
    String sql = "SELECT ack FROM stream_acks WHERE source = ? AND sequence = ?";
    try (Connection connection = duckDb.connect();
        PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, source);
      select.setLong(2, sequence);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next()
            ? Optional.of(IngestAck.parseFrom(rows.getBytes(1)))
            : Optional.empty();
      }
    } catch (SQLException | InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot read the acks of source " + source, e);
    }
  }

  private void loadDefinitions(Statement statement)
      throws SQLException, InvalidProtocolBufferException {
    try (ResultSet rows = statement.executeQuery("SELECT header FROM stream_sources")) {
      while (rows.next()) {
        IngestStreamHeader definition = IngestStreamHeader.parseFrom(rows.getBytes(1));
        definitions.put(definition.getSource(), definition);
      }
    }
  }

  private static void loadAckedSegments(Statement statement, Set<String> segments)
      throws SQLException, InvalidProtocolBufferException {
    try (ResultSet rows = statement.executeQuery("SELECT ack FROM stream_acks")) {
      while (rows.next()) {
        segments.add(IngestAck.parseFrom(rows.getBytes(1)).getSegmentPath());
      }
    }
  }

  private void deleteUnacknowledged(Set<String> ackedSegments) {
    Path sources = dataDir.resolve("sources");
    if (!Files.isDirectory(sources)) {
      return;
    }
    try (DirectoryStream<Path> sourceDirs = Files.newDirectoryStream(sources)) {
      for (Path sourceDir : sourceDirs) {
        deleteUnacknowledged(sourceDir.getFileName().toString(), sourceDir.resolve(SEGMENTS),
            ackedSegments);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list the stream segments in " + sources, e);
    }
  }

  private void deleteUnacknowledged(String source, Path segmentDir, Set<String> ackedSegments)
      throws IOException {
    if (!Files.isDirectory(segmentDir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(segmentDir)) {
      for (Path file : files) {
        if (!ackedSegments.contains(file.toString())) {
          LOG.warnf("deleting a stream segment no ack names (left by a stop before its "
              + "commit) source=%s file=%s", source, file.getFileName());
          deleteQuietly(file);
          deleteQuietly(quarantineOf(source, file));
        }
      }
    }
  }

  private Path segmentDir(String source) {
    return dataDir.resolve("sources").resolve(source).resolve(SEGMENTS);
  }

  private Path quarantineOf(String source, Path segment) {
    return dataDir.resolve("quarantine").resolve(source).resolve(segment.getFileName());
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warnf("cannot delete file=%s: %s", file, e.getMessage());
    }
  }
}
