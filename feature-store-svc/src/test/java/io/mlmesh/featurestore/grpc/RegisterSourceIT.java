package io.mlmesh.featurestore.grpc;

import static io.mlmesh.featurestore.GrpcTestClient.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.mlmesh.featurestore.Datasets;
import io.mlmesh.featurestore.FeatureStoreTestResource;
import io.mlmesh.featurestore.Flights;
import io.mlmesh.featurestore.GrpcTestBase;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.RegisterSourceRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(FeatureStoreTestResource.class)
class RegisterSourceIT extends GrpcTestBase {

  @Test
  void registerSource_flightsCsv_describesContentWithTimestampColumn() throws Exception {
    List<Flights.Flight> flights = Flights.readCsv();

    DatasetVersion dataset = client.stub().registerSource(Flights.register("csv_src", Flights.CSV));

    assertEquals("csv_src", dataset.getName());
    assertEquals(20_000, dataset.getRowCount());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(Flights.CSV))), dataset.getContentSha256());
    assertEquals(List.of(
            column("date", ColumnType.COLUMN_TYPE_TIMESTAMP),
            column("delay", ColumnType.COLUMN_TYPE_INT64),
            column("distance", ColumnType.COLUMN_TYPE_INT64),
            column("origin", ColumnType.COLUMN_TYPE_STRING),
            column("destination", ColumnType.COLUMN_TYPE_STRING)),
        dataset.getColumnsList());
    assertEquals(flights.stream().mapToLong(Flights.Flight::timeMicros).min().orElseThrow(),
        Timestamps.toMicros(dataset.getMinTime()));
    assertEquals(flights.stream().mapToLong(Flights.Flight::timeMicros).max().orElseThrow(),
        Timestamps.toMicros(dataset.getMaxTime()));
    assertEquals("2001-01-01T00:47:00Z", Timestamps.toString(dataset.getMinTime()));
  }

  @Test
  void registerSource_flightsParquet_countsAllRows() {
    DatasetVersion dataset =
        client.stub().registerSource(Flights.register("parquet_src", Flights.PARQUET));

    assertEquals(3_000_000, dataset.getRowCount());
    assertEquals(ColumnType.COLUMN_TYPE_TIMESTAMP, dataset.getColumns(0).getType());
    assertEquals("2001-01-01T00:01:00Z", Timestamps.toString(dataset.getMinTime()));
    assertEquals(64, dataset.getContentSha256().length());
  }

  @Test
  void registerSource_badName_invalidArgumentNamingName() {
    assertStatus(Status.Code.INVALID_ARGUMENT,
        () -> client.stub().registerSource(Flights.register("9flights", Flights.CSV)),
        "name '9flights'", "letters, digits and underscores");
  }

  @Test
  void registerSource_missingFile_notFoundNamingPath() {
    RegisterSourceRequest request = Flights.register("nothing", Flights.CSV).toBuilder()
        .setPath("/work/shared/datasets/flights/absent.csv")
        .build();

    assertStatus(Status.Code.NOT_FOUND, () -> client.stub().registerSource(request),
        "path '/work/shared/datasets/flights/absent.csv'");
  }

  @Test
  void registerSource_unknownTimestampColumn_invalidArgumentNamingColumn() {
    RegisterSourceRequest request = Flights.register("no_when", Flights.CSV).toBuilder()
        .setTimestampColumn("when")
        .build();

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.stub().registerSource(request),
        "timestamp_column 'when' is not a column");
  }

  @Test
  void registerSource_timestampColumnNotTime_invalidArgumentNamingType() {
    RegisterSourceRequest request = Flights.register("origin_time", Flights.CSV).toBuilder()
        .setTimestampColumn("origin")
        .build();

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.stub().registerSource(request),
        "timestamp_column 'origin' holds text in none of the formats");
  }

  @Test
  void registerSource_unknownExtension_invalidArgumentAskingForFormat() {
    RegisterSourceRequest request = Flights.register("readme", Flights.CSV).toBuilder()
        .setPath(Datasets.DIR.resolve("README.md").toString())
        .build();

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.stub().registerSource(request),
        "format is unspecified", "set format");
  }

  private static ColumnSchema column(String name, ColumnType type) {
    return ColumnSchema.newBuilder().setName(name).setType(type).build();
  }
}
