package io.mlmesh.featurestore.grpc;

import static io.mlmesh.featurestore.GrpcTestClient.assertStatus;
import static io.mlmesh.featurestore.GrpcTestClient.doubles;
import static io.mlmesh.featurestore.GrpcTestClient.micros;
import static io.mlmesh.featurestore.GrpcTestClient.strings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.mlmesh.featurestore.FeatureReference;
import io.mlmesh.featurestore.FeatureStoreTestResource;
import io.mlmesh.featurestore.Flights;
import io.mlmesh.featurestore.Flights.Flight;
import io.mlmesh.featurestore.GrpcTestBase;
import io.mlmesh.featurestore.v1.Column;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.mlmesh.featurestore.v1.ViewJoin;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(FeatureStoreTestResource.class)
class TrainingSetIT extends GrpcTestBase {

  private static final String SOURCE = "pit_flights";
  private static final String DAILY = "pit_daily";
  private static final String HOURLY_TTL = "pit_fresh";
  private static final long HOUR_MICROS = 3_600_000_000L;
  private static final long DAY_MICROS = Flights.DAY_MICROS;

  @BeforeEach
  void registerFlights() {
    client.stub().registerSource(Flights.register(SOURCE, Flights.CSV));
    apply(Flights.originView(DAILY, SOURCE).build());
    apply(Flights.originView(HOURLY_TTL, SOURCE).setTtl(Durations.fromHours(1)).build());
  }

  @Test
  void getTrainingSet_flightsWithTwoViews_matchesJavaRecomputationOfEveryRow() {
    FeatureReference reference = new FeatureReference(Flights.readCsv());

    List<TrainingSetChunk> chunks = client.trainingSet(bothViews().build());

    long[] times = micros(chunks, "date");
    List<String> origins = strings(chunks, "origin");
    double[][] daily = features(chunks, DAILY);
    double[][] fresh = features(chunks, HOURLY_TTL);
    assertEquals(20_000, times.length);
    int valuedRows = 0;
    int freshRows = 0;
    for (int row = 0; row < times.length; row++) {
      double[] expectedDaily = reference.features(origins.get(row), times[row], DAY_MICROS);
      double[] expectedFresh = reference.features(origins.get(row), times[row], HOUR_MICROS);
      assertArrayEquals(expectedDaily, column(daily, row), "row " + row);
      assertArrayEquals(expectedFresh, column(fresh, row), "row " + row);
      valuedRows += Double.isNaN(expectedDaily[0]) ? 0 : 1;
      freshRows += Double.isNaN(expectedFresh[0]) ? 0 : 1;
    }
    assertTrue(valuedRows > 18_000, "rows with values: " + valuedRows);
    assertTrue(freshRows > 30 && freshRows < 1_000, "rows within an hour's ttl: " + freshRows);
  }

  @Test
  void getTrainingSet_sameDayFlightsBeforeRow_neverCounted() {
    FeatureReference reference = new FeatureReference(Flights.readCsv());
    List<TrainingSetChunk> chunks = client.trainingSet(bothViews().build());
    long[] times = micros(chunks, "date");
    List<String> origins = strings(chunks, "origin");
    double[] counts = doubles(chunks, DAILY + "__flights_7d");

    int rowsWithEarlierSameDayFlights = 0;
    for (int row = 0; row < times.length; row++) {
      long dayStart = Math.floorDiv(times[row], Flights.DAY_MICROS) * Flights.DAY_MICROS;
      List<Flight> sameDayBefore = reference.window(origins.get(row), dayStart, times[row]);
      List<Flight> served = reference.window(origins.get(row), dayStart - 7 * Flights.DAY_MICROS,
          dayStart);
      if (!sameDayBefore.isEmpty() && !served.isEmpty()) {
        rowsWithEarlierSameDayFlights++;
        assertEquals(served.size(), counts[row], "row " + row);
      }
    }
    assertTrue(rowsWithEarlierSameDayFlights > 1000, "" + rowsWithEarlierSameDayFlights);
  }

  @Test
  void getTrainingSet_futureRowsChanged_featuresUpToChangeUnchanged() throws IOException {
    long changeMicros = Flights.micros("2001-03-01T00:00:00Z");
    Path poisoned = poisonedCopy(changeMicros);
    client.stub().registerSource(Flights.register("pit_poisoned", poisoned));
    apply(Flights.originView("pit_poisoned_daily", "pit_poisoned").build());
    GetTrainingSetRequest.Builder untilChangeDayEnds = GetTrainingSetRequest.newBuilder()
        .addColumns("origin")
        .setEnd(Timestamps.fromMicros(changeMicros + Flights.DAY_MICROS));

    List<TrainingSetChunk> clean = client.trainingSet(untilChangeDayEnds.clone()
        .setSource(SOURCE).addJoins(join(DAILY)).build());
    List<TrainingSetChunk> dirty = client.trainingSet(untilChangeDayEnds.clone()
        .setSource("pit_poisoned").addJoins(join("pit_poisoned_daily")).build());
    List<TrainingSetChunk> dirtyNextDay = client.trainingSet(untilChangeDayEnds.clone()
        .setSource("pit_poisoned").addJoins(join("pit_poisoned_daily"))
        .setStart(Timestamps.fromMicros(changeMicros + DAY_MICROS))
        .setEnd(Timestamps.fromMicros(changeMicros + 2 * DAY_MICROS)).build());
    FeatureStoreTestResource.deleteTree(poisoned.getParent());

    double[] nextDayMeans = doubles(dirtyNextDay, "pit_poisoned_daily__mean_delay_7d");
    assertTrue(Arrays.stream(nextDayMeans).anyMatch(mean -> mean > 100),
        "the changed rows do reach the features of the next day");
    assertArrayEquals(micros(clean, "date"), micros(dirty, "date"));
    assertEquals(strings(clean, "origin"), strings(dirty, "origin"));
    for (String feature : List.of("flights_7d", "late_share_7d", "mean_delay_7d")) {
      assertArrayEquals(doubles(clean, DAILY + "__" + feature),
          doubles(dirty, "pit_poisoned_daily__" + feature), feature);
    }
    long[] times = micros(clean, "date");
    assertTrue(times[times.length - 1] >= changeMicros, "rows of the changed day are included");
  }

  @Test
  void getTrainingSet_batchRows_headerFirstSummaryLastAndHashOfCanonicalRows() {
    List<TrainingSetChunk> chunks = client.trainingSet(bothViews().setBatchRows(5000).build());

    assertEquals(4, chunks.size());
    assertTrue(chunks.get(0).hasHeader());
    assertFalse(chunks.get(1).hasHeader() || chunks.get(1).hasSummary());
    assertTrue(chunks.get(3).hasSummary());
    assertEquals(20_000, chunks.get(3).getSummary().getRowCount());
    assertEquals(List.of("date", "origin", "delay", "pit_daily__flights_7d",
            "pit_daily__late_share_7d", "pit_daily__mean_delay_7d", "pit_fresh__flights_7d",
            "pit_fresh__late_share_7d", "pit_fresh__mean_delay_7d"),
        chunks.get(0).getHeader().getColumnsList().stream().map(ColumnSchema::getName).toList());
    assertEquals(SOURCE, chunks.get(0).getHeader().getSource().getName());
    assertEquals(List.of(DAILY, HOURLY_TTL), chunks.get(0).getHeader().getViewsList().stream()
        .map(view -> view.getSpec().getName()).toList());
    assertEquals(canonicalSha256(chunks), chunks.get(3).getSummary().getContentSha256());
  }

  @Test
  void getTrainingSet_repeatedRequest_sameOrderedRowsAndHash() {
    List<TrainingSetChunk> first = client.trainingSet(bothViews().build());
    List<TrainingSetChunk> second = client.trainingSet(bothViews().build());

    long[] times = micros(first, "date");
    for (int row = 1; row < times.length; row++) {
      assertTrue(times[row - 1] <= times[row], "row " + row + " out of time order");
    }
    assertEquals(summaryHash(first), summaryHash(second));
  }

  @Test
  void getTrainingSet_sampleFraction_deterministicSubsetOfExpectedSize() {
    GetTrainingSetRequest sampled = bothViews().setSampleFraction(0.3).build();

    List<TrainingSetChunk> first = client.trainingSet(sampled);
    List<TrainingSetChunk> second = client.trainingSet(sampled);
    List<TrainingSetChunk> all = client.trainingSet(bothViews().build());

    long rows = lastChunk(first).getSummary().getRowCount();
    assertTrue(Math.abs(rows - 6000) < 400, "sampled rows: " + rows);
    assertEquals(summaryHash(first), summaryHash(second));
    assertNotEquals(summaryHash(first), summaryHash(all));
    Set<String> allRows = new HashSet<>(rowKeys(all));
    assertTrue(allRows.containsAll(rowKeys(first)));
  }

  @Test
  void getTrainingSet_timeRange_onlyRowsInHalfOpenRange() {
    long start = Flights.micros("2001-02-01T00:00:00Z");
    long end = Flights.micros("2001-02-08T00:00:00Z");
    long expected = Flights.readCsv().stream()
        .filter(flight -> flight.timeMicros() >= start && flight.timeMicros() < end)
        .count();

    List<TrainingSetChunk> chunks = client.trainingSet(bothViews()
        .setStart(Timestamps.fromMicros(start)).setEnd(Timestamps.fromMicros(end)).build());

    assertEquals(expected, lastChunk(chunks).getSummary().getRowCount());
    assertTrue(micros(chunks, "date")[0] >= start);
  }

  @Test
  void getTrainingSet_unknownSource_notFoundNamingIt() {
    assertStatus(Status.Code.NOT_FOUND, () -> client.trainingSet(
        bothViews().setSource("boats").build()), "source 'boats' is not registered");
  }

  @Test
  void getTrainingSet_unknownView_notFoundNamingIt() {
    assertStatus(Status.Code.NOT_FOUND, () -> client.trainingSet(
        bothViews().addJoins(join("ghost")).build()), "joins[2].view 'ghost' does not exist");
  }

  @Test
  void getTrainingSet_unknownColumn_invalidArgumentNamingIt() {
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.trainingSet(
            bothViews().addColumns("speed").build()),
        "columns[2] 'speed' is not a column of source 'pit_flights'");
  }

  @Test
  void getTrainingSet_unknownJoinEntityColumn_invalidArgumentNamingIt() {
    ViewJoin badJoin = ViewJoin.newBuilder().setView(DAILY).setEntityColumn("airport").build();

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.trainingSet(
            GetTrainingSetRequest.newBuilder().setSource(SOURCE).addJoins(badJoin).build()),
        "joins[0].entity_column 'airport' is not a column");
  }

  @Test
  void getTrainingSet_sampleFractionAboveOne_invalidArgumentNamingIt() {
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.trainingSet(
        bothViews().setSampleFraction(1.5).build()), "sample_fraction 1.5 must lie in [0, 1]");
  }

  @Test
  void getTrainingSet_startAfterEnd_invalidArgumentNamingBoth() {
    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.trainingSet(bothViews()
            .setStart(Timestamps.fromMicros(Flights.micros("2001-03-01T00:00:00Z")))
            .setEnd(Timestamps.fromMicros(Flights.micros("2001-02-01T00:00:00Z"))).build()),
        "start 2001-03-01T00:00:00Z must be before end 2001-02-01T00:00:00Z");
  }

  private GetTrainingSetRequest.Builder bothViews() {
    return GetTrainingSetRequest.newBuilder()
        .setSource(SOURCE)
        .addColumns("origin")
        .addColumns("delay")
        .addJoins(join(DAILY))
        .addJoins(join(HOURLY_TTL));
  }

  private static ViewJoin join(String view) {
    return ViewJoin.newBuilder().setView(view).setEntityColumn("origin").build();
  }


  private static double[][] features(List<TrainingSetChunk> chunks, String view) {
    return new double[][] {doubles(chunks, view + "__flights_7d"),
        doubles(chunks, view + "__late_share_7d"), doubles(chunks, view + "__mean_delay_7d")};
  }

  private static double[] column(double[][] features, int row) {
    return new double[] {features[0][row], features[1][row], features[2][row]};
  }

  private static Path poisonedCopy(long changeMicros) throws IOException {
    List<String> lines = Files.readAllLines(Flights.CSV);
    List<String> poisoned = new ArrayList<>(List.of(lines.get(0)));
    List<Flight> flights = Flights.readCsv();
    for (int i = 0; i < flights.size(); i++) {
      Flight flight = flights.get(i);
      String line = lines.get(i + 1);
      poisoned.add(flight.timeMicros() < changeMicros
          ? line
          : line.replaceFirst(",-?\\d+,", "," + (flight.delay() + 1000) + ","));
    }
    Path copy = Files.createTempDirectory("mlmesh-test-fs-poisoned-").resolve("flights.csv");
    return Files.write(copy, poisoned);
  }

  private static TrainingSetChunk lastChunk(List<TrainingSetChunk> chunks) {
    return chunks.get(chunks.size() - 1);
  }

  private static String summaryHash(List<TrainingSetChunk> chunks) {
    return lastChunk(chunks).getSummary().getContentSha256();
  }

  private static List<String> rowKeys(List<TrainingSetChunk> chunks) {
    long[] times = micros(chunks, "date");
    List<String> origins = strings(chunks, "origin");
    double[] delays = doubles(chunks, "delay");
    List<String> keys = new ArrayList<>();
    for (int row = 0; row < times.length; row++) {
      keys.add(times[row] + "/" + origins.get(row) + "/" + delays[row]);
    }
    return keys;
  }

  /** The summary hash recomputed from the documented encoding, independently of the service. */
  private static String canonicalSha256(List<TrainingSetChunk> chunks) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (TrainingSetChunk chunk : chunks) {
        for (int row = 0; row < chunk.getRowCount(); row++) {
          for (Column column : chunk.getColumnsList()) {
            digest.update(encode(column, row));
          }
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] encode(Column column, int row) {
    return switch (column.getType()) {
      case COLUMN_TYPE_TIMESTAMP ->
          ByteBuffer.allocate(8).putLong(column.getTimestampsMicros(row)).array();
      case COLUMN_TYPE_STRING -> {
        byte[] text = column.getStrings(row).getBytes(StandardCharsets.UTF_8);
        yield ByteBuffer.allocate(4 + text.length).putInt(text.length).put(text).array();
      }
      default -> ByteBuffer.allocate(8)
          .putLong(Double.doubleToLongBits(column.getDoubles(row))).array();
    };
  }
}
