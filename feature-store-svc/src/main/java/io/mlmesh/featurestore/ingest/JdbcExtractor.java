package io.mlmesh.featurestore.ingest;

import static io.mlmesh.featurestore.catalog.DuckDb.quoteIdentifier;
import static io.mlmesh.featurestore.catalog.DuckDb.quoteLiteral;

import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.v1.JdbcSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.jboss.logging.Logger;

/**
 * Copies the rows of a PostgreSQL table or query into a Parquet file with plain JDBC.
 *
 * <p>Why not DuckDB's postgres extension: DuckDB downloads it at first use, and the service runs
 * without internet access. So the PostgreSQL driver reads the rows in a read-only transaction
 * with a fetch size (the driver then streams them instead of holding the whole result), and a
 * DuckDB appender on a private in-memory database collects them and writes the file, which then
 * goes through the same ingestion as any file. Column types map onto the five of the contract:
 * integers BIGINT, floating and numeric DOUBLE, boolean BOOLEAN, date and timestamps TIMESTAMP
 * (with time zone converted to UTC; without one read as UTC, like every zone-less time in the
 * store), anything else VARCHAR. The driver is used directly rather than through DriverManager,
 * for the class-loader reason given in {@link io.mlmesh.featurestore.catalog.DuckDb}.
 */
public final class JdbcExtractor {

  private static final Logger LOG = Logger.getLogger(JdbcExtractor.class);
  private static final String URL_PREFIX = "jdbc:postgresql:";
  private static final Pattern TABLE_NAME =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
  private static final int FETCH_ROWS = 10_000;
  private static final int CONNECT_TIMEOUT_SECONDS = 10;

  private enum Kind { BIGINT, DOUBLE, BOOLEAN, TIMESTAMP, TIMESTAMPTZ, DATE, VARCHAR }

  private record Column(String name, Kind kind) {
  }

  /**
   * Writes the rows to {@code file} and returns a description of the input without credentials.
   *
   * @param personal whether the request marks personal columns: database messages, which may
   *     quote values, are then withheld from failures
   */
  public String extract(JdbcSource source, Path file, boolean personal) {
    String field = checkSource(source);
    String sql = source.getTable().isEmpty()
        ? source.getQuery()
        : "SELECT * FROM " + source.getTable();

    long startNanos = System.nanoTime();
    long rows;
    try (Connection database = connect(source)) {
      database.setReadOnly(true);
      database.setAutoCommit(false);
      try (Statement statement = database.createStatement()) {
        statement.setFetchSize(FETCH_ROWS);
        try (ResultSet result = statement.executeQuery(sql)) {
          rows = copy(result, file, field);
        }
      } finally {
        database.rollback();
      }
    } catch (SQLException e) {
      throw failure(source, field, e, personal);
    }
    String input = withoutParameters(source.getUrl()) + " " + field + " "
        + (source.getTable().isEmpty() ? "(query)" : source.getTable());
    LOG.infof("jdbc rows extracted input=%s rows=%d elapsed_ms=%d", input, rows,
        (System.nanoTime() - startNanos) / 1_000_000);
    return input;
  }

  private static String checkSource(JdbcSource source) {
    if (!source.getUrl().startsWith(URL_PREFIX)) {
      throw FeatureStoreException.invalidArgument("jdbc.url must start with " + URL_PREFIX
          + " (PostgreSQL is the one database supported)");
    }
    if (source.getTable().isEmpty() == source.getQuery().isEmpty()) {
      throw FeatureStoreException.invalidArgument("jdbc needs exactly one of table and query");
    }
    if (!source.getTable().isEmpty() && !TABLE_NAME.matcher(source.getTable()).matches()) {
      throw FeatureStoreException.invalidArgument("jdbc.table '" + source.getTable()
          + "' must be a name or schema.name of letters, digits and underscores");
    }
    String query = source.getQuery().strip().toLowerCase(Locale.ROOT);
    if (!source.getQuery().isEmpty() && !query.startsWith("select")
        && !query.startsWith("with")) {
      throw FeatureStoreException.invalidArgument("jdbc.query must be a SELECT statement");
    }
    return source.getTable().isEmpty() ? "query" : "table";
  }

  private static Connection connect(JdbcSource source) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", source.getUser());
    properties.setProperty("password", source.getPassword());
    properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    properties.setProperty("ApplicationName", "mlmesh-feature-store");
    return new org.postgresql.Driver().connect(source.getUrl(), properties);
  }

  private static long copy(ResultSet result, Path file, String field) throws SQLException {
    List<Column> columns = columnsOf(result.getMetaData(), field);
    try (DuckDBConnection duckDb = (DuckDBConnection) new DuckDBDriver()
        .connect("jdbc:duckdb:", new Properties());
        Statement statement = duckDb.createStatement()) {
      statement.execute("CREATE TABLE extract (" + String.join(", ", columns.stream()
          .map(column -> quoteIdentifier(column.name()) + " " + sqlType(column.kind()))
          .toList()) + ")");
      long rows = 0;
      try (DuckDBAppender appender = duckDb.createAppender(DuckDBConnection.DEFAULT_SCHEMA,
          "extract")) {
        while (result.next()) {
          appendRow(appender, result, columns);
          rows++;
        }
      }
      Files.createDirectories(file.getParent());
      statement.execute("COPY extract TO " + quoteLiteral(file.toString())
          + " (FORMAT parquet, COMPRESSION zstd)");
      return rows;
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the folder of " + file, e);
    }
  }

  private static List<Column> columnsOf(ResultSetMetaData metaData, String field)
      throws SQLException {
    List<Column> columns = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 1; i <= metaData.getColumnCount(); i++) {
      String name = metaData.getColumnLabel(i);
      if (!names.add(name)) {
        throw FeatureStoreException.invalidArgument("jdbc." + field + " gives the column '"
            + name + "' twice; name each column once");
      }
      columns.add(new Column(name, kindOf(metaData.getColumnType(i),
          metaData.getColumnTypeName(i))));
    }
    return columns;
  }

  private static Kind kindOf(int jdbcType, String typeName) {
    if ("timestamptz".equalsIgnoreCase(typeName)) {
      return Kind.TIMESTAMPTZ;
    }
    return switch (jdbcType) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Kind.BIGINT;
      case Types.REAL, Types.FLOAT, Types.DOUBLE, Types.NUMERIC, Types.DECIMAL -> Kind.DOUBLE;
      case Types.BIT, Types.BOOLEAN -> Kind.BOOLEAN;
      case Types.TIMESTAMP -> Kind.TIMESTAMP;
      case Types.TIMESTAMP_WITH_TIMEZONE -> Kind.TIMESTAMPTZ;
      case Types.DATE -> Kind.DATE;
      default -> Kind.VARCHAR;
    };
  }

  private static String sqlType(Kind kind) {
    return switch (kind) {
      case TIMESTAMPTZ, DATE -> "TIMESTAMP";
      default -> kind.name();
    };
  }

  private static void appendRow(DuckDBAppender appender, ResultSet result, List<Column> columns)
      throws SQLException {
    appender.beginRow();
    for (int i = 0; i < columns.size(); i++) {
      appendValue(appender, result, i + 1, columns.get(i).kind());
    }
    appender.endRow();
  }

  private static void appendValue(DuckDBAppender appender, ResultSet result, int index,
      Kind kind) throws SQLException {
    switch (kind) {
      case BIGINT -> {
        long number = result.getLong(index);
        appendUnlessNull(appender, result, () -> appender.append(number));
      }
      case DOUBLE -> {
        double number = result.getDouble(index);
        appendUnlessNull(appender, result, () -> appender.append(number));
      }
      case BOOLEAN -> {
        boolean flag = result.getBoolean(index);
        appendUnlessNull(appender, result, () -> appender.append(flag));
      }
      case TIMESTAMP -> appendTime(appender, result.getObject(index, LocalDateTime.class));
      case TIMESTAMPTZ -> appendTime(appender, utc(result.getObject(index, OffsetDateTime.class)));
      case DATE -> appendTime(appender, midnight(result.getObject(index, LocalDate.class)));
      case VARCHAR -> {
        String text = result.getString(index);
        appendUnlessNull(appender, result, () -> appender.append(text));
      }
      default -> throw new IllegalArgumentException("unmapped column kind " + kind);
    }
  }

  /** One appender call that may fail like JDBC does. */
  private interface Append {
    void run() throws SQLException;
  }

  private static void appendUnlessNull(DuckDBAppender appender, ResultSet result, Append append)
      throws SQLException {
    if (result.wasNull()) {
      appender.appendNull();
    } else {
      append.run();
    }
  }

  private static void appendTime(DuckDBAppender appender, LocalDateTime time)
      throws SQLException {
    if (time == null) {
      appender.appendNull();
    } else {
      appender.append(time);
    }
  }

  private static LocalDateTime utc(OffsetDateTime time) {
    return time == null ? null : time.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
  }

  private static LocalDateTime midnight(LocalDate date) {
    return date == null ? null : date.atStartOfDay();
  }

  private static FeatureStoreException failure(JdbcSource source, String field, SQLException e,
      boolean personal) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = personal
        ? "database message withheld: the request marks personal columns"
        : e.getMessage();
    String database = withoutParameters(source.getUrl());
    if (state.equals("3D000")) {
      return FeatureStoreException.notFound("jdbc.url database " + database
          + " does not exist");
    }
    if (state.startsWith("28")) {
      return FeatureStoreException.invalidArgument("jdbc.user '" + source.getUser()
          + "' was refused by " + database);
    }
    if (state.equals("42P01") && field.equals("table")) {
      return FeatureStoreException.notFound("jdbc.table '" + source.getTable()
          + "' does not exist in " + database);
    }
    if (state.startsWith("42") || state.startsWith("22")) {
      return FeatureStoreException.invalidArgument("jdbc." + field + " failed in " + database
          + ": " + message);
    }
    return FeatureStoreException.unavailable("jdbc.url database " + database
        + " is unavailable: " + message, e);
  }

  private static String withoutParameters(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }
}
