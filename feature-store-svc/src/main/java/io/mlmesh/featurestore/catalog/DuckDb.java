package io.mlmesh.featurestore.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * The one DuckDB database of the service: a file in the data dir that holds the catalog tables,
 * and the engine that scans sources and writes the offline store.
 *
 * <p>DuckDB allows one process to open a database file, and inside that process many connections
 * to it, each used by one thread at a time. So this class opens the file once and hands every
 * caller its own {@link #connect() duplicate} of the root connection; callers close it when
 * done. Results are streamed (not materialised in full), so training sets of millions of rows
 * need little memory. The driver is used directly rather than through DriverManager, whose
 * class-loader checks can hide a driver loaded by another class loader (as in Quarkus tests).
 * Any thread except the Vert.x event loop may call {@link #connect()}.
 */
public final class DuckDb implements AutoCloseable {

  private static final String DATABASE_FILE = "catalog.duckdb";

  private final DuckDBConnection root;

  private DuckDb(DuckDBConnection root) {
    this.root = root;
  }

  /** Opens (or creates) the database in {@code dataDir}, creating the folder when absent. */
  public static DuckDb open(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      String url = "jdbc:duckdb:" + dataDir.resolve(DATABASE_FILE).toAbsolutePath();
      Properties properties = new Properties();
      properties.setProperty("jdbc_stream_results", "true");
      return new DuckDb((DuckDBConnection) new DuckDBDriver().connect(url, properties));
    } catch (java.io.IOException | SQLException e) {
      throw new IllegalStateException("cannot open the catalog database in " + dataDir, e);
    }
  }

  /** A new connection to the database, for the calling thread only; the caller closes it. */
  public Connection connect() throws SQLException {
    return root.duplicate();
  }

  @Override
  public void close() throws SQLException {
    root.close();
  }

  /** {@code name} as a DuckDB identifier: double-quoted, inner quotes doubled. */
  public static String quoteIdentifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** {@code text} as a DuckDB string literal: single-quoted, inner quotes doubled. */
  public static String quoteLiteral(String text) {
    return '\'' + text.replace("'", "''") + '\'';
  }
}
