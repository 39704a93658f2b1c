package io.mlmesh.featurestore.catalog;

import static io.mlmesh.featurestore.catalog.DuckDb.quoteIdentifier;
import static io.mlmesh.featurestore.catalog.DuckDb.quoteLiteral;

import com.google.protobuf.util.Timestamps;
import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.FileFormat;
import io.mlmesh.featurestore.v1.RegisterSourceRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a file into a {@link RegisteredSource}: reads it with DuckDB, normalises its column types
 * and describes its content.
 *
 * <p>Every later query reads the file through the source's scan SQL, which maps DuckDB's many
 * types onto the five of the contract: integers stay BIGINT (INT64), floats and decimals become
 * DOUBLE, BOOLEAN and VARCHAR stay, and anything else is read as VARCHAR. The timestamp column
 * becomes a zone-less TIMESTAMP read as UTC: DuckDB's CSV sniffer recognises most formats, and
 * text it leaves as VARCHAR is parsed with the first of a few common formats that fits every
 * row. Doing this once, here, keeps the view and training queries free of per-type cases.
 */
public final class SourceInspector {

  private static final List<String> TIMESTAMP_FORMATS = List.of(
      "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
      "%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%Y-%m-%d", "%m/%d/%Y %H:%M", "%m/%d/%Y");
  private static final int HASH_BUFFER_BYTES = 1 << 16;

  private final DuckDb duckDb;

  public SourceInspector(DuckDb duckDb) {
    this.duckDb = duckDb;
  }

  /** Validates the request and describes the file; throws INVALID_ARGUMENT or NOT_FOUND. */
  public RegisteredSource inspect(RegisterSourceRequest request) {
    checkRequest(request);
    Path path = Path.of(request.getPath()).toAbsolutePath();
    FileFormat format = formatOf(request.getFormat(), path);
    String rawScan = rawScan(format, path, request.getMissingValuesList());
    try (Connection connection = duckDb.connect()) {
      Map<String, String> rawTypes = describe(connection, rawScan, path);
      String timestampColumn = request.getTimestampColumn();
      if (!rawTypes.containsKey(timestampColumn)) {
        throw FeatureStoreException.invalidArgument("timestamp_column '" + timestampColumn
            + "' is not a column of " + path + "; columns are " + rawTypes.keySet());
      }
      String scanSql = normalisedScan(connection, rawScan, rawTypes, timestampColumn);
      DatasetVersion dataset = describeContent(connection, request.getName(), path, scanSql,
          columnsOf(rawTypes, timestampColumn), timestampColumn);
      return new RegisteredSource(dataset, timestampColumn, scanSql);
    } catch (SQLException e) {
      throw FeatureStoreException.invalidArgument("path '" + request.getPath()
          + "' cannot be read as " + format + ": " + readerMessage(request, e), e);
    }
  }

  /** The reader's message, which may quote input rows: withheld when columns are personal. */
  private static String readerMessage(RegisterSourceRequest request, SQLException e) {
    return request.getPrivacyCount() == 0
        ? e.getMessage()
        : "the reader's message is withheld because the request marks personal columns";
  }

  private static void checkRequest(RegisterSourceRequest request) {
    Names.check("name", request.getName());
    if (request.getPath().isBlank()) {
      throw FeatureStoreException.invalidArgument("path is required");
    }
    if (request.getTimestampColumn().isBlank()) {
      throw FeatureStoreException.invalidArgument("timestamp_column is required");
    }
    if (!Files.isRegularFile(Path.of(request.getPath()))) {
      throw FeatureStoreException.notFound(
          "path '" + request.getPath() + "' is not a readable file");
    }
  }

  private static FileFormat formatOf(FileFormat requested, Path path) {
    if (requested == FileFormat.FILE_FORMAT_PARQUET || requested == FileFormat.FILE_FORMAT_CSV) {
      return requested;
    }
    if (requested != FileFormat.FILE_FORMAT_UNSPECIFIED) {
      throw FeatureStoreException.invalidArgument("format " + requested + " is not supported");
    }
    String fileName = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (fileName.endsWith(".parquet")) {
      return FileFormat.FILE_FORMAT_PARQUET;
    }
    if (fileName.endsWith(".csv") || fileName.endsWith(".csv.gz")) {
      return FileFormat.FILE_FORMAT_CSV;
    }
    throw FeatureStoreException.invalidArgument("format is unspecified and path '" + path
        + "' ends in neither .parquet nor .csv: set format");
  }

  private static String rawScan(FileFormat format, Path path, List<String> missingValues) {
    String literal = quoteLiteral(path.toString());
    if (format == FileFormat.FILE_FORMAT_PARQUET) {
      return "read_parquet(" + literal + ")";
    }
    String nullStrings = missingValues.isEmpty()
        ? ""
        : ", nullstr = ['', " + String.join(", ",
            missingValues.stream().map(DuckDb::quoteLiteral).toList()) + "]";
    return "read_csv(" + literal + ", header = true" + nullStrings + ")";
  }

  private static Map<String, String> describe(Connection connection, String rawScan, Path path)
      throws SQLException {
    Map<String, String> types = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("DESCRIBE SELECT * FROM " + rawScan)) {
      while (rows.next()) {
        types.put(rows.getString("column_name"), rows.getString("column_type"));
      }
    }
    if (types.isEmpty()) {
      throw FeatureStoreException.invalidArgument("path '" + path + "' has no columns");
    }
    return types;
  }

  private static String normalisedScan(Connection connection, String rawScan,
      Map<String, String> rawTypes, String timestampColumn) throws SQLException {
    List<String> expressions = new ArrayList<>();
    for (Map.Entry<String, String> column : rawTypes.entrySet()) {
      String quoted = quoteIdentifier(column.getKey());
      String expression = column.getKey().equals(timestampColumn)
          ? timestampExpression(connection, rawScan, column.getKey(), column.getValue())
          : castFor(typeOf(column.getValue()), quoted);
      expressions.add(expression + " AS " + quoted);
    }
    return "(SELECT " + String.join(", ", expressions) + " FROM " + rawScan + ")";
  }

  private static String timestampExpression(Connection connection, String rawScan,
      String column, String rawType) throws SQLException {
    String quoted = quoteIdentifier(column);
    if (rawType.startsWith("TIMESTAMP WITH TIME ZONE")) {
      return "timezone('UTC', " + quoted + ")";
    }
    if (rawType.startsWith("TIMESTAMP") || rawType.equals("DATE")) {
      return "CAST(" + quoted + " AS TIMESTAMP)";
    }
    if (!rawType.equals("VARCHAR")) {
      throw FeatureStoreException.invalidArgument("timestamp_column '" + column + "' has type "
          + rawType + ", expected a timestamp, a date or text");
    }
    String format = TIMESTAMP_FORMATS.stream()
        .filter(candidate -> parsesEveryRow(connection, rawScan, quoted, candidate))
        .findFirst()
        .orElseThrow(() -> FeatureStoreException.invalidArgument("timestamp_column '" + column
            + "' holds text in none of the formats " + TIMESTAMP_FORMATS));
    return "strptime(" + quoted + ", " + quoteLiteral(format) + ")";
  }

  private static boolean parsesEveryRow(Connection connection, String rawScan, String column,
      String format) {
    String sql = "SELECT count(*) FROM " + rawScan + " WHERE " + column + " IS NOT NULL AND "
        + "try_strptime(" + column + ", " + quoteLiteral(format) + ") IS NULL";
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1) == 0;
    } catch (SQLException e) {
      return false;
    }
  }

  private static String castFor(ColumnType type, String quoted) {
    return switch (type) {
      case COLUMN_TYPE_INT64 -> "CAST(" + quoted + " AS BIGINT)";
      case COLUMN_TYPE_DOUBLE -> "CAST(" + quoted + " AS DOUBLE)";
      case COLUMN_TYPE_BOOL -> quoted;
      default -> "CAST(" + quoted + " AS VARCHAR)";
    };
  }

  private static ColumnType typeOf(String rawType) {
    return switch (rawType) {
      case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER" ->
          ColumnType.COLUMN_TYPE_INT64;
      case "FLOAT", "DOUBLE", "REAL", "HUGEINT", "UBIGINT" -> ColumnType.COLUMN_TYPE_DOUBLE;
      case "BOOLEAN" -> ColumnType.COLUMN_TYPE_BOOL;
      default -> rawType.startsWith("DECIMAL")
          ? ColumnType.COLUMN_TYPE_DOUBLE
          : ColumnType.COLUMN_TYPE_STRING;
    };
  }

  private static List<ColumnSchema> columnsOf(Map<String, String> rawTypes,
      String timestampColumn) {
    return rawTypes.entrySet().stream()
        .map(column -> ColumnSchema.newBuilder()
            .setName(column.getKey())
            .setType(column.getKey().equals(timestampColumn)
                ? ColumnType.COLUMN_TYPE_TIMESTAMP
                : typeOf(column.getValue()))
            .build())
        .toList();
  }

  private static DatasetVersion describeContent(Connection connection, String name, Path path,
      String scanSql, List<ColumnSchema> columns, String timestampColumn) throws SQLException {
    String quoted = quoteIdentifier(timestampColumn);
    String sql = "SELECT count(*), epoch_us(min(" + quoted + ")), epoch_us(max(" + quoted
        + ")) FROM " + scanSql;
    DatasetVersion.Builder dataset = DatasetVersion.newBuilder()
        .setName(name)
        .setPath(path.toString())
        .setContentSha256(sha256Of(path))
        .addAllColumns(columns);
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      dataset.setRowCount(rows.getLong(1));
      long minMicros = rows.getLong(2);
      if (!rows.wasNull()) {
        dataset.setMinTime(Timestamps.fromMicros(minMicros))
            .setMaxTime(Timestamps.fromMicros(rows.getLong(3)));
      }
    }
    return dataset.build();
  }

  /** Lower-case hex SHA-256 of the file's bytes; NOT_FOUND when it cannot be read. */
  public static String sha256Of(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[HASH_BUFFER_BYTES];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw FeatureStoreException.notFound("path '" + path + "' cannot be read: " + e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
