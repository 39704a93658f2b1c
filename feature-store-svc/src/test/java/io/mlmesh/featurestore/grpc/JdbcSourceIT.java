package io.mlmesh.featurestore.grpc;

import static io.mlmesh.featurestore.GrpcTestClient.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.mlmesh.featurestore.FeatureStoreTestResource;
import io.mlmesh.featurestore.Flights;
import io.mlmesh.featurestore.GrpcTestBase;
import io.mlmesh.featurestore.v1.ColumnExpectation;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.Expectations;
import io.mlmesh.featurestore.v1.JdbcSource;
import io.mlmesh.featurestore.v1.RegisterSourceRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.Reader;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

@QuarkusTest
@WithTestResource(FeatureStoreTestResource.class)
class JdbcSourceIT extends GrpcTestBase {

  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
  private static final String DATABASE = "mlmesh_test_featurestore";
  private static final String URL = SERVER + DATABASE;

  @BeforeAll
  static void createDatabase() throws Exception {
    execute(SERVER + "postgres", "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)",
        "CREATE DATABASE " + DATABASE);
    execute(URL, "CREATE TABLE flights (date TIMESTAMP, delay INTEGER, distance INTEGER, "
            + "origin TEXT, destination TEXT)",
        "CREATE TABLE events (id BIGINT, happened_at TIMESTAMPTZ, amount NUMERIC(10, 2), "
            + "flag BOOLEAN, day DATE, note TEXT)",
        "INSERT INTO events VALUES (1, '2024-03-01 10:00:00+02', 12.50, true, '2024-03-01', 'a'),"
            + " (2, '2024-03-02 00:30:00+00', NULL, NULL, NULL, NULL)");
    try (Connection connection = connect(URL);
        Reader csv = Files.newBufferedReader(Flights.CSV)) {
      connection.unwrap(PGConnection.class).getCopyAPI()
          .copyIn("COPY flights FROM STDIN WITH (FORMAT csv, HEADER true)", csv);
    }
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    execute(SERVER + "postgres", "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
  }

  @Test
  void registerSource_postgresTable_describesRowsLikeTheCsv() {
    List<Flights.Flight> flights = Flights.readCsv();
    long late = flights.stream().filter(flight -> flight.delay() > 300).count();

    DatasetVersion dataset = client.stub().registerSource(jdbc("pg_flights",
            JdbcSource.newBuilder().setTable("public.flights"))
        .setExpectations(Expectations.newBuilder().addColumns(ColumnExpectation.newBuilder()
            .setColumn("delay").setMax(300)))
        .build());

    assertEquals(URL + " table public.flights", dataset.getIngestion().getInput());
    assertEquals("", dataset.getIngestion().getInputSha256());
    assertEquals(20_000, dataset.getIngestion().getInputRows());
    assertEquals(late, dataset.getIngestion().getQuarantinedRows());
    assertEquals(20_000 - late, dataset.getRowCount());
    assertEquals(List.of(ColumnType.COLUMN_TYPE_TIMESTAMP, ColumnType.COLUMN_TYPE_INT64,
            ColumnType.COLUMN_TYPE_INT64, ColumnType.COLUMN_TYPE_STRING,
            ColumnType.COLUMN_TYPE_STRING),
        dataset.getColumnsList().stream().map(ColumnSchema::getType).toList());
    assertEquals(flights.stream().mapToLong(Flights.Flight::timeMicros).min().orElseThrow(),
        Timestamps.toMicros(dataset.getMinTime()));
    assertEquals(1, apply(Flights.originView("pg_origin", "pg_flights").build()).getVersion());
  }

  @Test
  void registerSource_postgresQuery_mapsTypesAndTimesToUtc() {
    DatasetVersion dataset = client.stub().registerSource(jdbc("pg_events",
            JdbcSource.newBuilder().setQuery("SELECT * FROM events ORDER BY id"))
        .setTimestampColumn("happened_at")
        .build());

    assertEquals(List.of(ColumnType.COLUMN_TYPE_INT64, ColumnType.COLUMN_TYPE_TIMESTAMP,
            ColumnType.COLUMN_TYPE_DOUBLE, ColumnType.COLUMN_TYPE_BOOL,
            ColumnType.COLUMN_TYPE_STRING, ColumnType.COLUMN_TYPE_STRING),
        dataset.getColumnsList().stream().map(ColumnSchema::getType).toList());
    assertEquals("2024-03-01T08:00:00Z", Timestamps.toString(dataset.getMinTime()));
    assertEquals("2024-03-02T00:30:00Z", Timestamps.toString(dataset.getMaxTime()));
    assertEquals(2, dataset.getRowCount());
  }

  @Test
  void registerSource_unknownTable_notFoundNamingTable() {
    assertStatus(Status.Code.NOT_FOUND, () -> client.stub().registerSource(jdbc("pg_none",
            JdbcSource.newBuilder().setTable("nothing_here")).build()),
        "jdbc.table 'nothing_here' does not exist in " + URL);
  }

  @Test
  void registerSource_unknownDatabase_notFoundNamingUrl() {
    RegisterSourceRequest request = jdbc("pg_nodb", JdbcSource.newBuilder()
        .setTable("flights").setUrl(SERVER + "mlmesh_test_featurestore_absent")).build();

    assertStatus(Status.Code.NOT_FOUND, () -> client.stub().registerSource(request),
        "jdbc.url database " + SERVER + "mlmesh_test_featurestore_absent does not exist");
  }

  @Test
  void registerSource_serverDown_unavailableNamingUrl() {
    RegisterSourceRequest request = jdbc("pg_down", JdbcSource.newBuilder()
        .setTable("flights").setUrl("jdbc:postgresql://127.0.0.1:1/" + DATABASE)).build();

    assertStatus(Status.Code.UNAVAILABLE, () -> client.stub().registerSource(request),
        "jdbc.url database jdbc:postgresql://127.0.0.1:1/" + DATABASE + " is unavailable");
  }

  @Test
  void registerSource_otherDatabaseKind_invalidArgumentNamingUrl() {
    RegisterSourceRequest request = jdbc("pg_mysql", JdbcSource.newBuilder()
        .setTable("flights").setUrl("jdbc:mysql://127.0.0.1/flights")).build();

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.stub().registerSource(request),
        "jdbc.url must start with jdbc:postgresql:");
  }

  @Test
  void registerSource_tableAndQuery_invalidArgumentAskingForOne() {
    RegisterSourceRequest request = jdbc("pg_both", JdbcSource.newBuilder()
        .setTable("flights").setQuery("SELECT 1")).build();

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.stub().registerSource(request),
        "jdbc needs exactly one of table and query");
  }

  @Test
  void registerSource_queryNotSelect_invalidArgumentNamingQuery() {
    RegisterSourceRequest request = jdbc("pg_delete", JdbcSource.newBuilder()
        .setQuery("DELETE FROM flights")).build();

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.stub().registerSource(request),
        "jdbc.query must be a SELECT statement");
  }

  private static RegisterSourceRequest.Builder jdbc(String name, JdbcSource.Builder source) {
    JdbcSource.Builder withServer = source.getUrl().isEmpty() ? source.setUrl(URL) : source;
    return RegisterSourceRequest.newBuilder()
        .setName(name)
        .setTimestampColumn("date")
        .setJdbc(withServer.setUser("postgres"));
  }

  private static Connection connect(String url) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "postgres");
    return new org.postgresql.Driver().connect(url, properties);
  }

  private static void execute(String url, String... statements) throws SQLException {
    try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
