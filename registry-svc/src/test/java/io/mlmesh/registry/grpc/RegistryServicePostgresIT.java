package io.mlmesh.registry.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The registry contract with metadata in PostgreSQL, whose schema Flyway created. */
@QuarkusTest
@TestProfile(StoreProfiles.Postgres.class)
class RegistryServicePostgresIT extends RegistryUpdatesContract {

  private static final Path MIGRATIONS = Path.of("src/main/resources/db/registry");

  @Test
  void flyway_emptyDatabase_appliedEveryMigrationInOrder() throws SQLException, IOException {
    List<String> applied = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(
            RegistryStoreResource.SERVER_URL + RegistryStoreResource.DATABASE, "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT version, success"
            + " FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
      while (rows.next()) {
        applied.add(rows.getString(1) + (rows.getBoolean(2) ? "" : " failed"));
      }
    }

    assertEquals(migrationVersions(), applied);
  }

  /** The versions of the migration files in the sources, e.g. "1" for V1__schema.sql. */
  private static List<String> migrationVersions() throws IOException {
    try (Stream<Path> files = Files.list(MIGRATIONS)) {
      return files.map(file -> file.getFileName().toString())
          .filter(name -> name.matches("V[0-9]+__.*\\.sql"))
          .map(name -> name.substring(1, name.indexOf("__")))
          .sorted((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)))
          .toList();
    }
  }
}
