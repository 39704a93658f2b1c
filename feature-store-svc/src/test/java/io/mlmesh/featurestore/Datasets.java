package io.mlmesh.featurestore;

import io.mlmesh.core.data.SharedDatasets;
import io.mlmesh.featurestore.catalog.DuckDb;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.duckdb.DuckDBDriver;

/** The credit and churn data sets, given the id and time columns a source needs. */
public final class Datasets {

  public static final Path DIR = SharedDatasets.directory();
  public static final Path CREDIT = DIR.resolve("credit/credit_data.csv");
  public static final Path LENDING_CLUB = DIR.resolve("credit/lending_club.csv");
  public static final Path TELCO = DIR.resolve("churn/telco_churn.csv");

  private Datasets() {
  }

  /**
   * Writes {@code csv} to {@code out} with two leading columns: {@code id}, the 1-based row
   * number, and {@code event_time}, 2024-01-01 plus id minutes. {@code replace} is a DuckDB
   * REPLACE list (empty for none) that may use {@code id}.
   */
  public static Path withIdAndTime(Path csv, Path out, String replace) {
    String numbered = "SELECT row_number() OVER () AS id, * FROM read_csv("
        + DuckDb.quoteLiteral(csv.toAbsolutePath().normalize().toString())
        + ", header = true, all_varchar = true)";
    String select = "SELECT id, TIMESTAMP '2024-01-01' + to_minutes(id) AS event_time, "
        + "* EXCLUDE (id)" + (replace.isEmpty() ? "" : " REPLACE (" + replace + ")");
    execute("COPY (" + select + " FROM (" + numbered + ") ORDER BY id) TO "
        + DuckDb.quoteLiteral(out.toString()) + " (HEADER, DELIMITER ',')");
    return out;
  }

  /** Every row of a CSV file with a header and no commas inside values, quotes removed. */
  public static List<Map<String, String>> readCsv(Path csv) {
    try {
      List<String> lines = Files.readAllLines(csv);
      String[] header = unquote(lines.get(0).split(",", -1));
      List<Map<String, String>> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] values = unquote(line.split(",", -1));
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < header.length; i++) {
          row.put(header[i], values[i]);
        }
        rows.add(row);
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rows of a DuckDB query (for example over a Parquet file), values as text. */
  public static List<List<String>> query(String sql) {
    try (Connection connection = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      List<List<String>> result = new ArrayList<>();
      int columns = rows.getMetaData().getColumnCount();
      while (rows.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rows.getString(i));
        }
        result.add(row);
      }
      return result;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static void execute(String sql) {
    try (Connection connection = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static String[] unquote(String[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] = values[i].replace("\"", "");
    }
    return values;
  }
}
