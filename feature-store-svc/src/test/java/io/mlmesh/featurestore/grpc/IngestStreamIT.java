package io.mlmesh.featurestore.grpc;

import static io.mlmesh.featurestore.IngestStreams.call;
import static io.mlmesh.featurestore.IngestStreams.flightsChunk;
import static io.mlmesh.featurestore.IngestStreams.flightsChunks;
import static io.mlmesh.featurestore.IngestStreams.flightsHeader;
import static io.mlmesh.featurestore.IngestStreams.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.mlmesh.featurestore.Datasets;
import io.mlmesh.featurestore.FeatureStoreTestResource;
import io.mlmesh.featurestore.Flights;
import io.mlmesh.featurestore.Flights.Flight;
import io.mlmesh.featurestore.GrpcTestBase;
import io.mlmesh.featurestore.GrpcTestClient;
import io.mlmesh.featurestore.IngestStreams;
import io.mlmesh.featurestore.IngestStreams.Outcome;
import io.mlmesh.featurestore.catalog.DuckDb;
import io.mlmesh.featurestore.v1.ColumnExpectation;
import io.mlmesh.featurestore.v1.ColumnPolicy;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.ColumnValues;
import io.mlmesh.featurestore.v1.Expectations;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesRequest;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesResponse;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.IngestAck;
import io.mlmesh.featurestore.v1.IngestRowsChunk;
import io.mlmesh.featurestore.v1.IngestStreamHeader;
import io.mlmesh.featurestore.v1.MaterializeRequest;
import io.mlmesh.featurestore.v1.MaterializeResponse;
import io.mlmesh.featurestore.v1.PrivacyAction;
import io.mlmesh.featurestore.v1.RowBatch;
import io.mlmesh.featurestore.v1.RuleCount;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.mlmesh.featurestore.v1.ViewJoin;
import io.mlmesh.featurestore.v1.ViewLookup;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(FeatureStoreTestResource.class)
class IngestStreamIT extends GrpcTestBase {

  private static final int CHUNK_ROWS = 1000;
  private static final String CANARY = "CANARY7731";
  private static final List<String> PERSONAL_WITH_CANARY = List.of("addr_state", "annual_inc");

  @ConfigProperty(name = "mlmesh.featurestore.pii.hmac-key")
  String hmacKey;

  @TestHTTPResource("/q/metrics")
  URL metricsUrl;

  @Test
  void ingestStream_flightsInChunks_acksInOrderWithExactCounts() throws Exception {
    List<Flight> flights = Flights.readCsv();
    List<IngestRowsChunk> messages = new ArrayList<>(List.of(header(checkedFlights("streamed"))));
    messages.addAll(flightsChunks(flights, CHUNK_ROWS));

    Outcome outcome = call(client, messages);

    assertEquals(Status.Code.OK, outcome.status().getCode(), outcome.status().toString());
    assertEquals(20, outcome.acks().size());
    long sourceRows = 0;
    for (int i = 0; i < 20; i++) {
      IngestAck ack = outcome.acks().get(i);
      List<String> rules = expectedRules(flights.subList(i * CHUNK_ROWS, (i + 1) * CHUNK_ROWS));
      long quarantined = rules.stream().filter(rule -> rule != null).count();
      sourceRows += CHUNK_ROWS - quarantined;
      assertEquals(i + 1, ack.getSequence());
      assertEquals(CHUNK_ROWS - quarantined, ack.getAcceptedRows(), "chunk " + (i + 1));
      assertEquals(quarantined, ack.getQuarantinedRows());
      assertEquals(ruleCounts(rules), ack.getQuarantinedByRuleList(), "chunk " + (i + 1));
      assertEquals(sourceRows, ack.getSourceRows());
      assertEquals(false, ack.getReplayed());
    }
    List<TrainingSetChunk> chunks = client.trainingSet(GetTrainingSetRequest.newBuilder()
        .setSource("streamed").build());
    assertEquals(sourceRows, chunks.get(chunks.size() - 1).getSummary().getRowCount());
    assertEquals(sourceRows, chunks.get(0).getHeader().getSource().getRowCount());
  }

  @Test
  void ingestStream_streamedFlights_trainingSetAndMaterializationEqualFileIngestion()
      throws Exception {
    List<IngestRowsChunk> messages = new ArrayList<>(List.of(header(flightsHeader("pit_stream")
        .setExpectations(rangeRules()))));
    messages.addAll(flightsChunks(Flights.readCsv(), 5000));
    client.stub().registerSource(Flights.register("pit_file", Flights.CSV).toBuilder()
        .setExpectations(rangeRules()).build());

    assertEquals(Status.Code.OK, call(client, messages).status().getCode());
    apply(Flights.originView("stream_origin", "pit_stream").build());
    apply(Flights.originView("file_origin", "pit_file").build());

    TrainingSetChunk streamed = lastChunk("pit_stream", "stream_origin");
    TrainingSetChunk file = lastChunk("pit_file", "file_origin");
    assertTrue(streamed.getSummary().getRowCount() > 19_000, streamed.getSummary().toString());
    assertEquals(file.getSummary(), streamed.getSummary());
    MaterializeResponse streamedWrite = materialize("stream_origin");
    assertTrue(streamedWrite.getEntitiesWritten() > 0, streamedWrite.toString());
    assertEquals(materialize("file_origin").getRowsRead(), streamedWrite.getRowsRead());
    assertEquals(online("file_origin").getViews(0).getEntitiesList(),
        online("stream_origin").getViews(0).getEntitiesList());
  }

  @Test
  void ingestStream_resentSequences_sameAcksAndNoDuplicateRows() throws Exception {
    List<Flight> flights = Flights.readCsv().subList(0, 3 * CHUNK_ROWS);
    List<IngestRowsChunk> chunks = flightsChunks(flights, CHUNK_ROWS);
    Outcome first = call(client, List.of(header(flightsHeader("resent")), chunks.get(0),
        chunks.get(1)));

    Outcome second = call(client, List.of(header(flightsHeader("resent").clearColumns()),
        chunks.get(1), chunks.get(2), chunks.get(0), chunks.get(2)));

    assertEquals(Status.Code.OK, second.status().getCode(), second.status().toString());
    assertEquals(first.acks().get(1), second.acks().get(0).toBuilder().setReplayed(false)
        .build());
    assertEquals(List.of(true, false, true, true), second.acks().stream()
        .map(IngestAck::getReplayed).toList());
    assertEquals(first.acks().get(0), second.acks().get(2).toBuilder().setReplayed(false)
        .build());
    assertEquals(3L * CHUNK_ROWS, second.acks().get(1).getSourceRows());
    assertEquals(second.acks().get(1), second.acks().get(3).toBuilder().setReplayed(false)
        .build());
    List<TrainingSetChunk> rows = client.trainingSet(GetTrainingSetRequest.newBuilder()
        .setSource("resent").build());
    assertEquals(3L * CHUNK_ROWS, rows.get(rows.size() - 1).getSummary().getRowCount());
  }

  /**
   * The service asks for one message at a time; below it, Vert.x's gRPC reader buffers up to 16
   * decoded messages before it stops reading the HTTP/2 stream, whose window (64 KiB) and the
   * client's 32 KiB send buffer hold about four more chunks of this size (~25 KB). So about 21
   * chunks can be unacknowledged at once; without flow control all 60 would be.
   */
  @Test
  void ingestStream_fastClient_heldBackByFlowControl() throws Exception {
    List<Flight> flights = new ArrayList<>();
    for (int pass = 0; pass < 3; pass++) {
      flights.addAll(Flights.readCsv());
    }
    List<IngestRowsChunk> messages = new ArrayList<>(List.of(header(flightsHeader("fast"))));
    messages.addAll(flightsChunks(flights, CHUNK_ROWS));

    Outcome outcome = call(client, messages);

    assertEquals(Status.Code.OK, outcome.status().getCode(), outcome.status().toString());
    assertEquals(60, outcome.acks().size());
    assertEquals(60_000, outcome.acks().get(59).getSourceRows());
    assertTrue(outcome.notReadyWaits() > 0, "the client never had to wait: " + outcome);
    assertTrue(outcome.maxInFlight() <= 24, "chunks in flight: " + outcome.maxInFlight());
  }

  @Test
  void ingestStream_lendingClubWithPrivacy_storesNoRawPersonalValue() throws Exception {
    List<Map<String, String>> raw = Datasets.readCsv(Datasets.LENDING_CLUB);
    List<IngestRowsChunk> messages = new ArrayList<>(List.of(header(lendingHeader())));
    for (int start = 0; start < raw.size(); start += 2500) {
      messages.add(lendingChunk(messages.size(), raw, start, Math.min(raw.size(), start + 2500)));
    }

    Outcome outcome = call(client, messages);

    assertEquals(Status.Code.OK, outcome.status().getCode(), outcome.status().toString());
    IngestAck last = outcome.acks().get(outcome.acks().size() - 1);
    assertEquals(raw.size() - 1, last.getSourceRows());
    List<List<String>> expected = new ArrayList<>();
    for (int i = 1; i < raw.size(); i++) {
      Map<String, String> row = raw.get(i);
      expected.add(List.of(Integer.toString(i + 1), hmac(row.get("addr_state")),
          incomeLabel(Double.parseDouble(row.get("annual_inc"))),
          row.get("sub_grade").substring(0, 1)));
    }
    String segments = "read_parquet(" + DuckDb.quoteLiteral(Path.of(last.getSegmentPath())
        .resolveSibling("*.parquet").toString()) + ")";
    assertEquals(expected, Datasets.query("SELECT id, addr_state, annual_inc, sub_grade FROM "
        + segments + " ORDER BY id"));
    String quarantine = "read_parquet(" + DuckDb.quoteLiteral(outcome.acks().get(0)
        .getQuarantinePath()) + ")";
    assertEquals(List.of(Arrays.asList("1", hmac(CANARY), null, "type(annual_inc)")),
        Datasets.query("SELECT __row, addr_state, annual_inc, __rule FROM " + quarantine));
    String stored = "SELECT concat_ws('|', *COLUMNS(*)) AS line FROM ";
    assertEquals(List.of(List.of("0")), Datasets.query("SELECT count(*) FROM (" + stored
        + segments + " UNION ALL " + stored + quarantine
        + ") WHERE line LIKE '%CANARY%' OR line LIKE '%emp_%'"));
    assertEquals(List.of("id", "event_time", "addr_state", "annual_inc", "sub_grade"),
        client.trainingSet(GetTrainingSetRequest.newBuilder().setSource("lending_stream")
            .build()).get(0).getHeader().getColumnsList().stream()
            .map(ColumnSchema::getName).toList());
  }

  @Test
  void ingestStream_telcoWithConsent_dropsRowsWithoutConsentAndBucketsTenure() throws Exception {
    List<Map<String, String>> raw = Datasets.readCsv(Datasets.TELCO);
    List<IngestRowsChunk> messages = new ArrayList<>(List.of(header(IngestStreamHeader
        .newBuilder().setSource("telco_stream").setTimestampColumn("event_time")
        .addColumns(IngestStreams.column("id", ColumnType.COLUMN_TYPE_INT64))
        .addColumns(IngestStreams.column("event_time", ColumnType.COLUMN_TYPE_TIMESTAMP))
        .addColumns(IngestStreams.column("paperless_billing", ColumnType.COLUMN_TYPE_STRING))
        .addColumns(IngestStreams.column("tenure", ColumnType.COLUMN_TYPE_INT64))
        .setConsentColumn("paperless_billing")
        .addPrivacy(policy("tenure", PrivacyAction.PRIVACY_ACTION_BUCKET)
            .addBucketEdges(12).addBucketEdges(24).addBucketEdges(48)))));
    for (int start = 0; start < raw.size(); start += 2000) {
      messages.add(telcoChunk(messages.size(), raw, start, Math.min(raw.size(), start + 2000)));
    }

    Outcome outcome = call(client, messages);

    assertEquals(Status.Code.OK, outcome.status().getCode(), outcome.status().toString());
    List<List<String>> expected = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      if (raw.get(i).get("paperless_billing").equals("1")) {
        expected.add(List.of(Integer.toString(i + 1),
            tenureLabel(Integer.parseInt(raw.get(i).get("tenure")))));
      }
    }
    assertEquals(2872, outcome.acks().stream().mapToLong(IngestAck::getRowsWithoutConsent)
        .sum());
    assertEquals(expected.size(), outcome.acks().get(outcome.acks().size() - 1)
        .getSourceRows());
    String segments = "read_parquet(" + DuckDb.quoteLiteral(Path.of(outcome.acks().get(0)
        .getSegmentPath()).resolveSibling("*.parquet").toString()) + ")";
    assertEquals(expected, Datasets.query("SELECT id, tenure FROM " + segments
        + " ORDER BY id"));
  }

  @Test
  void ingestStream_rowsBeforeHeader_invalidArgument() throws Exception {
    Outcome outcome = call(client, List.of(flightsChunk(1, Flights.readCsv().subList(0, 10))));

    assertFailure(outcome, Status.Code.INVALID_ARGUMENT,
        "the first message must be a header naming the source; got rows (sequence 1) first");
  }

  @Test
  void ingestStream_unknownColumnAfterGoodChunk_invalidArgumentAndGoodChunkKept()
      throws Exception {
    List<Flight> flights = Flights.readCsv();
    IngestRowsChunk good = flightsChunk(1, flights.subList(0, 100));
    RowBatch bad = flightsChunk(2, flights.subList(100, 200)).getRows().toBuilder()
        .addColumns(ColumnValues.newBuilder().setName("tail_number")).build();

    Outcome outcome = call(client, List.of(header(flightsHeader("unknown_column")), good,
        IngestStreams.rows(bad)));

    assertFailure(outcome, Status.Code.INVALID_ARGUMENT,
        "rows.columns[5] 'tail_number' is not a column of source 'unknown_column'");
    assertEquals(1, outcome.acks().size());
    assertEquals(100, trainingRows("unknown_column"));
  }

  @Test
  void ingestStream_wrongValueType_invalidArgumentNamingColumn() throws Exception {
    RowBatch rows = flightsChunk(1, Flights.readCsv().subList(0, 10)).getRows();
    RowBatch textDelays = rows.toBuilder().setColumns(1, ColumnValues.newBuilder()
        .setName("delay").addAllStrings(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9",
            "10"))).build();

    Outcome outcome = call(client, List.of(header(flightsHeader("wrong_type")),
        IngestStreams.rows(textDelays)));

    assertFailure(outcome, Status.Code.INVALID_ARGUMENT,
        "rows.columns[1] 'delay' is COLUMN_TYPE_INT64 and must carry int64s; it carries strings");
  }

  @Test
  void ingestStream_missingRowOutOfRange_invalidArgumentNamingRow() throws Exception {
    RowBatch rows = flightsChunk(1, Flights.readCsv().subList(0, 10)).getRows();
    RowBatch outside = rows.toBuilder().setColumns(2, rows.getColumns(2).toBuilder()
        .addMissingRows(3).addMissingRows(10)).build();

    Outcome outcome = call(client, List.of(header(flightsHeader("bad_row")),
        IngestStreams.rows(outside)));

    assertFailure(outcome, Status.Code.INVALID_ARGUMENT,
        "rows.columns[2].missing_rows[1] 10 is not a row of the chunk (rows 0 to 9)");
  }

  @Test
  void ingestStream_chunkAboveRowLimit_resourceExhaustedNamingLimit() throws Exception {
    Outcome outcome = call(client, List.of(header(flightsHeader("too_big")),
        flightsChunk(1, Flights.readCsv().subList(0, 10_001))));

    assertFailure(outcome, Status.Code.RESOURCE_EXHAUSTED, "rows.row_count 10001 of chunk "
        + "sequence 1 is above the limit mlmesh.featurestore.ingestion.stream.max-chunk-rows"
        + " = 10000");
  }

  @Test
  void ingestStream_unknownSourceWithoutColumns_notFound() throws Exception {
    Outcome outcome = call(client, List.of(header(flightsHeader("nowhere").clearColumns())));

    assertFailure(outcome, Status.Code.NOT_FOUND, "header.source 'nowhere' does not exist");
  }

  @Test
  void ingestStream_failingShareAboveLimit_chunkRefusedWholeEarlierChunkKept()
      throws Exception {
    List<Flight> flights = Flights.readCsv();
    List<Flight> late = new ArrayList<>();
    for (int i = CHUNK_ROWS; i < 2 * CHUNK_ROWS; i++) {
      Flight flight = flights.get(i);
      late.add(i % 10 == 0 ? new Flight(flight.timeMicros(), 1000, flight.distance(),
          flight.origin(), flight.destination()) : flight);
    }
    long failing = late.stream().filter(flight -> flight.delay() > 300).count();
    long firstFailing = flights.subList(0, CHUNK_ROWS).stream()
        .filter(flight -> flight.delay() > 300).count();
    IngestStreamHeader.Builder header = flightsHeader("refused").setExpectations(
        Expectations.newBuilder().addColumns(ColumnExpectation.newBuilder()
            .setColumn("delay").setMax(300)).setMaxFailedShare(0.05));

    Outcome refused = call(client, List.of(header(header), flightsChunk(1,
        flights.subList(0, CHUNK_ROWS)), flightsChunk(2, late)));
    Outcome resent = call(client, List.of(header(header),
        flightsChunk(2, flights.subList(CHUNK_ROWS, 2 * CHUNK_ROWS))));

    assertFailure(refused, Status.Code.FAILED_PRECONDITION, "batch refused: " + failing
        + " of 1000 rows", "above the limit 5.00%; failing rules: range(delay)=" + failing);
    assertEquals(1, refused.acks().size());
    assertEquals(CHUNK_ROWS - firstFailing, refused.acks().get(0).getSourceRows());
    assertEquals(Status.Code.OK, resent.status().getCode(), resent.status().toString());
    assertEquals(false, resent.acks().get(0).getReplayed());
    assertEquals(trainingRows("refused"), resent.acks().get(0).getSourceRows());
    assertTrue(metrics().contains(
        "mlmesh_featurestore_stream_chunks_total{outcome=\"failed_precondition\"}"),
        "no refused chunk counted");
  }

  @Test
  void ingestStream_fileSourceName_failedPrecondition() throws Exception {
    client.stub().registerSource(Flights.register("file_named", Flights.CSV));

    Outcome outcome = call(client, List.of(header(flightsHeader("file_named"))));

    assertFailure(outcome, Status.Code.FAILED_PRECONDITION,
        "header.source 'file_named' was registered by RegisterSource");
  }

  @Test
  void registerSource_nameOfStreamedSource_failedPreconditionAndStreamedRowsKept()
      throws Exception {
    call(client, List.of(header(flightsHeader("stream_owned")),
        flightsChunk(1, Flights.readCsv().subList(0, 10))));

    GrpcTestClient.assertStatus(Status.Code.FAILED_PRECONDITION,
        () -> client.stub().registerSource(Flights.register("stream_owned", Flights.CSV)),
        "name 'stream_owned' is a source created by IngestStream");
    assertEquals(10, trainingRows("stream_owned"));
  }

  private static IngestStreamHeader.Builder checkedFlights(String source) {
    return flightsHeader(source).setExpectations(rangeRules().toBuilder()
        .addUniqueColumns("origin").addUniqueColumns("date"));
  }

  private static Expectations rangeRules() {
    return Expectations.newBuilder()
        .addColumns(ColumnExpectation.newBuilder().setColumn("delay").setMax(300))
        .addColumns(ColumnExpectation.newBuilder().setColumn("distance").setMin(0).setMax(2500))
        .setMaxFailedShare(0.5)
        .build();
  }

  /** Each flight's first failing rule in one chunk, or null; uniqueness counts in the chunk. */
  private static List<String> expectedRules(List<Flight> chunk) {
    Set<String> seen = new HashSet<>();
    List<String> rules = new ArrayList<>();
    for (Flight flight : chunk) {
      boolean repeat = !seen.add(flight.origin() + "@" + flight.timeMicros());
      rules.add(flight.delay() > 300 ? "range(delay)"
          : flight.distance() > 2500 ? "range(distance)"
          : repeat ? "unique(origin,date)" : null);
    }
    return rules;
  }

  private static List<RuleCount> ruleCounts(List<String> rules) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String rule : List.of("range(delay)", "range(distance)", "unique(origin,date)")) {
      long rows = rules.stream().filter(rule::equals).count();
      if (rows > 0) {
        counts.put(rule, rows);
      }
    }
    return counts.entrySet().stream()
        .map(count -> RuleCount.newBuilder().setRule(count.getKey()).setRows(count.getValue())
            .build())
        .toList();
  }

  private String metrics() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        metricsUrl.toURI()).build(), HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  private long trainingRows(String source) {
    List<TrainingSetChunk> chunks = client.trainingSet(GetTrainingSetRequest.newBuilder()
        .setSource(source).build());
    return chunks.get(chunks.size() - 1).getSummary().getRowCount();
  }

  private static void assertFailure(Outcome outcome, Status.Code code, String... parts) {
    assertEquals(code, outcome.status().getCode(), outcome.status().toString());
    for (String part : parts) {
      String description = outcome.status().getDescription();
      assertTrue(description != null && description.contains(part),
          "description '" + description + "' lacks '" + part + "'");
    }
  }

  private static IngestStreamHeader.Builder lendingHeader() {
    return IngestStreamHeader.newBuilder()
        .setSource("lending_stream")
        .setTimestampColumn("event_time")
        .addColumns(IngestStreams.column("id", ColumnType.COLUMN_TYPE_INT64))
        .addColumns(IngestStreams.column("event_time", ColumnType.COLUMN_TYPE_TIMESTAMP))
        .addColumns(IngestStreams.column("addr_state", ColumnType.COLUMN_TYPE_STRING))
        .addColumns(IngestStreams.column("annual_inc", ColumnType.COLUMN_TYPE_STRING))
        .addColumns(IngestStreams.column("emp_length", ColumnType.COLUMN_TYPE_STRING))
        .addColumns(IngestStreams.column("sub_grade", ColumnType.COLUMN_TYPE_STRING))
        .setExpectations(Expectations.newBuilder().addColumns(ColumnExpectation.newBuilder()
            .setColumn("annual_inc").setType(ColumnType.COLUMN_TYPE_DOUBLE)))
        .addPrivacy(policy("addr_state", PrivacyAction.PRIVACY_ACTION_KEYED_HASH))
        .addPrivacy(policy("annual_inc", PrivacyAction.PRIVACY_ACTION_BUCKET)
            .addBucketEdges(25_000).addBucketEdges(50_000).addBucketEdges(100_000))
        .addPrivacy(policy("emp_length", PrivacyAction.PRIVACY_ACTION_DROP))
        .addPrivacy(policy("sub_grade", PrivacyAction.PRIVACY_ACTION_TRUNCATE).setKeepChars(1));
  }

  /** Rows [from, to) of lending_club.csv; id is the 1-based row, row 1 carries the canary. */
  private static IngestRowsChunk lendingChunk(long sequence, List<Map<String, String>> raw,
      int from, int to) {
    ColumnValues.Builder id = ColumnValues.newBuilder().setName("id");
    ColumnValues.Builder time = ColumnValues.newBuilder().setName("event_time");
    Map<String, ColumnValues.Builder> texts = new LinkedHashMap<>();
    for (String column : List.of("addr_state", "annual_inc", "emp_length", "sub_grade")) {
      texts.put(column, ColumnValues.newBuilder().setName(column));
    }
    for (int i = from; i < to; i++) {
      id.addInt64S(i + 1);
      time.addTimestampsMicros(Flights.micros("2024-01-01T00:00:00Z") + (i + 1) * 60_000_000L);
      for (Map.Entry<String, ColumnValues.Builder> column : texts.entrySet()) {
        boolean canary = i == 0 && PERSONAL_WITH_CANARY.contains(column.getKey());
        column.getValue().addStrings(canary ? CANARY : raw.get(i).get(column.getKey()));
      }
    }
    RowBatch.Builder rows = RowBatch.newBuilder().setSequence(sequence).setRowCount(to - from)
        .addColumns(id).addColumns(time);
    texts.values().forEach(rows::addColumns);
    return IngestStreams.rows(rows.build());
  }

  /** Rows [from, to) of telco_churn.csv with id (1-based row) and event_time. */
  private static IngestRowsChunk telcoChunk(long sequence, List<Map<String, String>> raw,
      int from, int to) {
    ColumnValues.Builder id = ColumnValues.newBuilder().setName("id");
    ColumnValues.Builder time = ColumnValues.newBuilder().setName("event_time");
    ColumnValues.Builder consent = ColumnValues.newBuilder().setName("paperless_billing");
    ColumnValues.Builder tenure = ColumnValues.newBuilder().setName("tenure");
    for (int i = from; i < to; i++) {
      id.addInt64S(i + 1);
      time.addTimestampsMicros(Flights.micros("2024-01-01T00:00:00Z") + (i + 1) * 60_000_000L);
      consent.addStrings(raw.get(i).get("paperless_billing"));
      tenure.addInt64S(Long.parseLong(raw.get(i).get("tenure")));
    }
    return IngestStreams.rows(RowBatch.newBuilder().setSequence(sequence).setRowCount(to - from)
        .addColumns(id).addColumns(time).addColumns(consent).addColumns(tenure).build());
  }

  private static String tenureLabel(int months) {
    return months < 12 ? "<12"
        : months < 24 ? "12-23"
        : months < 48 ? "24-47"
        : ">=48";
  }

  private String hmac(String value) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(hmacKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  private static ColumnPolicy.Builder policy(String column, PrivacyAction action) {
    return ColumnPolicy.newBuilder().setColumn(column).setAction(action);
  }

  private static String incomeLabel(double income) {
    return income < 25_000 ? "<25000"
        : income < 50_000 ? "[25000, 50000)"
        : income < 100_000 ? "[50000, 100000)"
        : ">=100000";
  }

  private TrainingSetChunk lastChunk(String source, String view) {
    List<TrainingSetChunk> chunks = client.trainingSet(GetTrainingSetRequest.newBuilder()
        .setSource(source)
        .addJoins(ViewJoin.newBuilder().setView(view).setEntityColumn("origin"))
        .build());
    return chunks.get(chunks.size() - 1);
  }

  private MaterializeResponse materialize(String view) {
    return client.stub().materialize(MaterializeRequest.newBuilder().setView(view).build());
  }

  private GetOnlineFeaturesResponse online(String view) {
    return client.stub().getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
        .addLookups(ViewLookup.newBuilder().setView(view)
            .addEntityKeys("ORD").addEntityKeys("LAX").addEntityKeys("JFK")
            .addEntityKeys("no_such_airport"))
        .setAsOf(Timestamps.fromMicros(
            Flights.micros("2001-06-30T12:00:00Z")))
        .build());
  }
}
