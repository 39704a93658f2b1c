package io.mlmesh.monitor.served;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.monitor.feedback.FeedbackLoop;
import io.mlmesh.monitor.served.FlightsTraffic.Flight;
import io.mlmesh.monitor.v1.ColumnDrift;
import io.mlmesh.monitor.v1.DriftMethod;
import io.mlmesh.monitor.v1.DriftVerdict;
import io.mlmesh.monitor.v1.DriftWindow;
import io.mlmesh.monitor.v1.GetServedDriftRequest;
import io.mlmesh.monitor.v1.ListRetrainingDecisionsRequest;
import io.mlmesh.monitor.v1.MonitorGrpc;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import io.mlmesh.monitor.v1.RetrainingDecision;
import io.mlmesh.monitor.v1.RetrainingDecisions;
import io.mlmesh.monitor.v1.ServedDrift;
import io.mlmesh.training.v1.JobSpec;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drift of served traffic and the retraining it triggers, end to end through real Redis and
 * real gRPC: the test appends prediction log entries of real February flights to the stream as
 * inference-svc writes them, the running monitor consumes them, reads the version's reference
 * (profiled from January flights) from a stand-in registry over gRPC, and submits retraining
 * to a stand-in training-svc ({@link StandInPeers} says why stand-ins). Expected verdicts come
 * from the data: the 7-day late share moves from January to February, the hour, distance and
 * weekday do not.
 */
@QuarkusTest
@TestProfile(ServedDriftProfile.class)
class ServedDriftIT {

    private static final String MODEL = "flights-served";
    private static final String OLD_MODEL = "flights-old";
    private static final long WAIT_MILLIS = 30_000;
    private static final Instant JANUARY = Instant.parse("2001-01-01T00:00:00Z");
    private static final Instant JANUARY_22 = Instant.parse("2001-01-22T00:00:00Z");
    private static final Instant FEBRUARY = Instant.parse("2001-02-01T00:00:00Z");

    private static StandInPeers peers;
    private static RedisClient redis;
    private static StatefulRedisConnection<String, byte[]> connection;
    private static RedisCommands<String, byte[]> commands;

    @TestHTTPResource("/")
    URL serviceUrl;

    private ManagedChannel channel;
    private MonitorGrpc.MonitorBlockingStub monitor;

    @BeforeAll
    static void startPeersAndRedis() throws Exception {
        JobSpec original = JobSpec.newBuilder()
                .setModelName(MODEL)
                .setTrain(range(JANUARY, JANUARY_22))
                .setTest(range(JANUARY_22, FEBRUARY))
                .build();
        peers = new StandInPeers(ServedDriftProfile.REGISTRY_PORT,
                ServedDriftProfile.TRAINING_PORT, Map.of(MODEL, FlightsTraffic.reference(
                        FlightsTraffic.month(1, 8))), original);
        peers.addModelWithoutReference(OLD_MODEL);
        redis = RedisClient.create(ServedDriftProfile.REDIS_URL);
        connection = redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        commands = connection.sync();
    }

    @AfterAll
    static void stopAndCleanUp() throws InterruptedException {
        Arc.container().instance(FeedbackLoop.class).get().consumer().stop();
        List<String> keys = commands.keys(ServedDriftProfile.PREFIX + "*");
        if (!keys.isEmpty()) {
            commands.del(keys.toArray(String[]::new));
        }
        connection.close();
        redis.shutdown();
        peers.close();
    }

    @BeforeEach
    void openChannel() {
        channel = ManagedChannelBuilder.forAddress("localhost", serviceUrl.getPort())
                .usePlaintext().build();
        monitor = MonitorGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void februaryTraffic_againstJanuaryReference_lateShareDriftsAndRetrainingFiresOnce()
            throws InterruptedException {
        List<Flight> february = FlightsTraffic.interleaved(FlightsTraffic.month(2, 1));

        serve(MODEL, february.subList(0, 3010), 0);
        ServedDrift drift = awaitDrift(MODEL, served -> closedWindows(served) == 3);

        List<DriftWindow> windows = drift.getWindowsList();
        assertEquals(4, windows.size(), "the open window of 10, then 3 closed ones");
        assertTrue(windows.get(0).getOpen());
        assertEquals(10, windows.get(0).getRowCount());
        assertEquals(DriftVerdict.DRIFT_VERDICT_INSUFFICIENT_DATA, windows.get(0).getVerdict());
        for (DriftWindow window : windows.subList(1, 4)) {
            assertFebruaryAgainstJanuary(window);
        }
        assertEquals(window(february.subList(2000, 3000)), bounds(windows.get(1)),
                "newest closed window first");

        RetrainingDecisions decisions = monitor.listRetrainingDecisions(
                ListRetrainingDecisionsRequest.newBuilder().setModel(MODEL).build());
        assertTrue(decisions.getEnabled());
        assertEquals(1, decisions.getDecisionsCount());
        RetrainingDecision decision = decisions.getDecisions(0);
        assertEquals("retrain-1", decision.getJobId());
        assertEquals("", decision.getError());
        assertEquals(1, decision.getVersion());
        assertEquals("data-set drift in 2 consecutive windows (drifted share 0.2500 in the"
                + " last)", decision.getReason());
        assertEquals(StandInPeers.OFFLINE_AUC, decision.getFiguresOrThrow("offline_auc"));
        assertSlidSpec(peers.submitted().get(0), windows.get(2).getLastPredictionAt(),
                decision.getReason());

        serve(MODEL, february.subList(3010, 5010), 3010);
        awaitDrift(MODEL, served -> closedWindows(served) == 5);
        assertEquals(1, peers.submitted().size(), "held by the cool-down");
        assertEquals(1, monitor.listRetrainingDecisions(ListRetrainingDecisionsRequest
                .getDefaultInstance()).getDecisionsCount());
    }

    @Test
    void getServedDrift_versionWithoutReference_saysWhyAndTestsNoColumn()
            throws InterruptedException {
        serve(OLD_MODEL, FlightsTraffic.month(3, 1).subList(0, 40), 0);

        ServedDrift drift = awaitDrift(OLD_MODEL, served -> served.getWindowsCount() == 1
                && served.getWindows(0).getRowCount() == 40);

        DriftWindow window = drift.getWindows(0);
        assertFalse(window.getReferenceAvailable());
        assertEquals("the bundle of version 1 holds no reference (trained before references"
                + " existed)", window.getReferenceNote());
        assertEquals(0, window.getColumnsCount());
        assertFalse(window.getDatasetDrift());
    }

    @Test
    void getServedDrift_badRequests_answerWithTheFieldOrTheModel() {
        StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () ->
                monitor.getServedDrift(GetServedDriftRequest.newBuilder().setModel("nobody")
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
        assertEquals("no served predictions consumed for model 'nobody'",
                missing.getStatus().getDescription());

        StatusRuntimeException empty = assertThrows(StatusRuntimeException.class, () ->
                monitor.getServedDrift(GetServedDriftRequest.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
        assertEquals("model: required", empty.getStatus().getDescription());

        StatusRuntimeException negative = assertThrows(StatusRuntimeException.class, () ->
                monitor.getServedDrift(GetServedDriftRequest.newBuilder().setModel(MODEL)
                        .setHistoryLimit(-1).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, negative.getStatus().getCode());
        assertEquals("history_limit: must not be negative",
                negative.getStatus().getDescription());
    }

    private static void assertFebruaryAgainstJanuary(DriftWindow window) {
        assertFalse(window.getOpen());
        assertEquals(ServedDriftProfile.WINDOW_ROWS, window.getRowCount());
        assertTrue(window.getReferenceAvailable());
        Map<String, ColumnDrift> columns = new HashMap<>();
        window.getColumnsList().forEach(column -> columns.put(column.getColumn(), column));
        assertEquals(List.of("date", "distance", "weekday", FlightsTraffic.LATE_SHARE),
                window.getColumnsList().stream().map(ColumnDrift::getColumn).toList());

        ColumnDrift lateShare = columns.get(FlightsTraffic.LATE_SHARE);
        assertEquals(DriftMethod.DRIFT_METHOD_WASSERSTEIN_NORMED, lateShare.getMethod());
        assertTrue(lateShare.getDrifted() && lateShare.getScore() > 0.5, lateShare.toString());
        for (String stable : List.of("date", "distance", "weekday")) {
            assertFalse(columns.get(stable).getDrifted(), columns.get(stable).toString());
        }
        assertEquals(DriftMethod.DRIFT_METHOD_JENSEN_SHANNON,
                columns.get("weekday").getMethod());
        assertEquals(0.1, columns.get("distance").getCurrentMissingShare(), 1e-12,
                "every tenth entry lacks its distance");
        assertEquals(900, columns.get("distance").getCurrentCount());
        assertTrue(window.getPrediction().getDrifted(), window.getPrediction().toString());
        assertTrue(window.getDatasetDrift());
        assertEquals(1, window.getDriftedCount());
        assertEquals(4, window.getTestedCount());
    }

    private static void assertSlidSpec(JobSpec submitted, Timestamp newestPrediction,
            String reason) {
        Instant newestLabelled = instantOf(newestPrediction).minus(Duration.ofDays(1));
        Duration shift = Duration.between(FEBRUARY, newestLabelled);
        assertTrue(shift.toDays() > 20, "February traffic, January's job: " + shift);
        assertEquals(range(JANUARY.plus(shift), JANUARY_22.plus(shift)), submitted.getTrain());
        assertEquals(range(JANUARY_22.plus(shift), newestLabelled), submitted.getTest());
        assertTrue(submitted.getRegister());
        assertEquals(MODEL, submitted.getModelName());
        assertEquals("retraining by monitor-svc: " + reason, submitted.getDescription());
    }

    private ServedDrift awaitDrift(String model, Predicate<ServedDrift> done)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (true) {
            try {
                ServedDrift drift = monitor.getServedDrift(GetServedDriftRequest.newBuilder()
                        .setModel(model).build());
                if (done.test(drift)) {
                    return drift;
                }
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("served drift of " + model + " not as expected within "
                        + WAIT_MILLIS + " ms");
            }
            Thread.sleep(100);
        }
    }

    private static long closedWindows(ServedDrift drift) {
        return drift.getWindowsList().stream().filter(window -> !window.getOpen()).count();
    }

    private static void serve(String model, List<Flight> flights, int firstIndex) {
        for (int i = 0; i < flights.size(); i++) {
            int index = firstIndex + i;
            PredictionLogEntry entry = FlightsTraffic.entry(model + "-" + index, model, 1,
                    flights.get(i), index % 10 == 0);
            Map<String, byte[]> fields = new HashMap<>();
            fields.put("entry", entry.toByteArray());
            fields.put("request_id", entry.getRequestId().getBytes(StandardCharsets.UTF_8));
            commands.xadd(ServedDriftProfile.STREAM, fields);
        }
    }

    /** The earliest and latest time of the flights, as a window reports them. */
    private static List<Instant> window(List<Flight> flights) {
        return List.of(flights.stream().map(Flight::time).min(Instant::compareTo).orElseThrow(),
                flights.stream().map(Flight::time).max(Instant::compareTo).orElseThrow());
    }

    private static List<Instant> bounds(DriftWindow window) {
        return List.of(instantOf(window.getFirstPredictionAt()),
                instantOf(window.getLastPredictionAt()));
    }

    private static GetTrainingSetRequest range(Instant start, Instant end) {
        return GetTrainingSetRequest.newBuilder()
                .setSource("flights")
                .setStart(Timestamp.newBuilder().setSeconds(start.getEpochSecond()))
                .setEnd(Timestamp.newBuilder().setSeconds(end.getEpochSecond()))
                .build();
    }

    private static Instant instantOf(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
