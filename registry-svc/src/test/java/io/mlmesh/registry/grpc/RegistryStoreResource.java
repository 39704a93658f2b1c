package io.mlmesh.registry.grpc;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Gives a test run its own data folder and, with {@code store=postgresql}, its own PostgreSQL
 * database {@value #DATABASE} on 127.0.0.1:5432, recreated at start and dropped at the end.
 */
public final class RegistryStoreResource implements QuarkusTestResourceLifecycleManager {

  static final String DATABASE = "mlmesh_test_registry";
  /** JDBC URL of the test PostgreSQL server, without a database name. */
  public static final String SERVER_URL = "jdbc:postgresql://127.0.0.1:5432/";

  private boolean postgres;
  private Path dataDir;

  @Override
  public void init(Map<String, String> args) {
    postgres = "postgresql".equals(args.get("store"));
  }

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>();
    try {
      dataDir = Files.createTempDirectory("mlmesh-registry-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    config.put("mlmesh.registry.data-dir", dataDir.toString());
    if (postgres) {
      runOnServer("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      runOnServer("CREATE DATABASE " + DATABASE);
      config.put("mlmesh.registry.jdbc-url", SERVER_URL + DATABASE);
      config.put("mlmesh.registry.jdbc-user", "postgres");
    }
    return config;
  }

  @Override
  public void stop() {
    if (postgres) {
      runOnServer("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs one statement on the server's {@code postgres} database, e.g. CREATE DATABASE. */
  public static void runOnServer(String sql) {
    try (Connection connection =
            DriverManager.getConnection(SERVER_URL + "postgres", "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL at 127.0.0.1:5432: " + e.getMessage(), e);
    }
  }
}
