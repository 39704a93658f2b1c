package io.mlmesh.monitor.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lettuce.core.Consumer;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlmesh.core.metrics.BinaryMetrics;
import io.mlmesh.monitor.feedback.FlightOutcomes.Flight;
import io.mlmesh.monitor.feedback.FlightOutcomes.Scorer;
import io.mlmesh.monitor.v1.ExportOutcomesRequest;
import io.mlmesh.monitor.v1.GetLiveQualityRequest;
import io.mlmesh.monitor.v1.LabelledPrediction;
import io.mlmesh.monitor.v1.LiveQuality;
import io.mlmesh.monitor.v1.MonitorGrpc;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import io.mlmesh.monitor.v1.RecordOutcomeRequest;
import io.mlmesh.monitor.v1.RecordOutcomeResponse;
import io.mlmesh.monitor.v1.VariantComparison;
import io.mlmesh.monitor.v1.VariantQuality;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.ConfigProvider;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The feedback loop against real Redis and over real gRPC: the test appends prediction log
 * entries to the stream exactly as inference-svc writes them (fields {@code entry} and
 * {@code request_id}), records outcomes through the Monitor service, and checks what the
 * running monitor's consumer and store made of them. Predictions are real flights rows scored
 * by simple models fitted on earlier rows ({@link FlightOutcomes}); every expected figure is
 * computed here with core's metrics on the same rows.
 */
@QuarkusTest
@TestProfile(FeedbackRedisProfile.class)
class FeedbackIT {

    private static final long WAIT_SECONDS = 30;
    private static final NormalDistribution NORMAL = new NormalDistribution(0, 1);

    private static RedisClient redis;
    private static StatefulRedisConnection<String, byte[]> connection;
    private static RedisCommands<String, byte[]> commands;
    private static String prefix;
    private static String stream;

    @TestHTTPResource("/")
    URL serviceUrl;

    @Inject
    FeedbackLoop feedback;

    @Inject
    MeterRegistry registry;

    private ManagedChannel channel;
    private MonitorGrpc.MonitorBlockingStub monitor;

    @BeforeAll
    static void connectRedis() {
        prefix = ConfigProvider.getConfig()
                .getValue("mlmesh.monitor.feedback.key-prefix", String.class);
        stream = ConfigProvider.getConfig()
                .getValue("mlmesh.monitor.feedback.stream-key", String.class);
        redis = RedisClient.create(FeedbackRedisProfile.REDIS_URL);
        connection = redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        commands = connection.sync();
    }

    @AfterAll
    static void deleteKeysAndDisconnect() throws InterruptedException {
        Arc.container().instance(FeedbackLoop.class).get().consumer().stop();
        KeyScanCursor<String> cursor = commands.scan(KeyScanArgs.Builder.matches(prefix + "*"));
        while (true) {
            if (!cursor.getKeys().isEmpty()) {
                commands.del(cursor.getKeys().toArray(String[]::new));
            }
            if (cursor.isFinished()) {
                break;
            }
            cursor = commands.scan(ScanCursor.of(cursor.getCursor()),
                    KeyScanArgs.Builder.matches(prefix + "*"));
        }
        connection.close();
        redis.shutdown();
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
    void liveQuality_outcomesBeforeAndAfterPredictions_equalsCoreMetricsPerGroup() {
        String model = "flights-quality";
        List<Flight> flights = FlightOutcomes.served(3000);
        List<Served> served = serveThreeGroups(model, flights);

        for (int i = 0; i < served.size(); i += 2) {
            record(served.get(i).entry().getRequestId(), served.get(i).label());
        }
        served.forEach(row -> append(row.entry()));
        for (int i = 1; i < served.size(); i += 2) {
            record(served.get(i).entry().getRequestId(), served.get(i).label());
        }
        LiveQuality quality = awaitJoined(model, 0, served.size());

        assertEquals(List.of("1/a", "1/b", "2/default"), quality.getGroupsList().stream()
                .map(FeedbackIT::groupOf).toList());
        for (VariantQuality group : quality.getGroupsList()) {
            List<Served> rows = rowsOf(served, group);
            double[] scores = rows.stream().mapToDouble(row -> row.entry().getScore()).toArray();
            int[] labels = rows.stream().mapToInt(Served::label).toArray();
            assertEquals(rows.size(), group.getJoinedCount());
            assertEquals(BinaryMetrics.auc(scores, labels), group.getAuc(), 1e-12);
            assertEquals(BinaryMetrics.logLoss(scores, labels), group.getLogLoss(), 1e-12);
            assertEquals(BinaryMetrics.accuracy(scores, labels, 0.5), group.getAccuracy(),
                    1e-12);
        }
        assertDeLongComparison(served, quality);
    }

    @Test
    void recordOutcome_repeatedAndConflicting_countedOnceAndConflictRefused() {
        String model = "flights-repeat";
        Flight flight = FlightOutcomes.served(1).get(0);
        append(FlightOutcomes.entry("repeat-1", model, 1, "default", flight,
                Scorer.ORIGIN_SHARE));
        awaitStored("repeat-1");

        RecordOutcomeResponse first = record("repeat-1", flight.label());
        RecordOutcomeResponse again = record("repeat-1", flight.label());
        StatusRuntimeException conflict = assertThrows(StatusRuntimeException.class,
                () -> record("repeat-1", 1 - flight.label()));

        assertTrue(first.getJoined());
        assertFalse(first.getDuplicate());
        assertTrue(again.getDuplicate());
        assertEquals(Status.Code.FAILED_PRECONDITION, conflict.getStatus().getCode());
        assertEquals("request_id 'repeat-1' already has outcome label " + flight.label()
                + ", refusing label " + (1 - flight.label()),
                conflict.getStatus().getDescription());
        assertEquals(1, quality(model, 1).getGroups(0).getJoinedCount());
    }

    @Test
    void consumer_sameEntryAppendedTwice_storedOnce() {
        String model = "flights-twice";
        List<Flight> flights = FlightOutcomes.served(20);
        double duplicatesBefore = duplicates();
        for (int i = 0; i < flights.size(); i++) {
            PredictionLogEntry entry = FlightOutcomes.entry("twice-" + i, model, 1, "default",
                    flights.get(i), Scorer.ORIGIN_SHARE);
            append(entry);
            append(entry);
            record("twice-" + i, flights.get(i).label());
        }

        awaitJoined(model, 1, flights.size());
        append(FlightOutcomes.entry("twice-0", model, 1, "default", flights.get(0),
                Scorer.ORIGIN_SHARE));
        await("every copy consumed", () -> duplicates() - duplicatesBefore >= flights.size() + 1);

        assertEquals(flights.size() + 1, duplicates() - duplicatesBefore, 0.0);
        assertEquals(flights.size(), quality(model, 1).getGroups(0).getJoinedCount());
        assertEquals(flights.size(), export(model, 1).size());
    }

    @Test
    void consumer_restartWithReadButUnackedEntries_losesNothing() throws InterruptedException {
        String model = "flights-restart";
        List<Flight> flights = FlightOutcomes.served(40);
        feedback.consumer().stop();
        for (int i = 0; i < flights.size(); i++) {
            if (i == flights.size() / 2) {
                readWithoutAck();
            }
            append(FlightOutcomes.entry("restart-" + i, model, 3, "default", flights.get(i),
                    Scorer.DESTINATION_SHARE));
            record("restart-" + i, flights.get(i).label());
        }
        long pendingWhileStopped = commands.xpending(stream, FeedbackRedisProfile.GROUP)
                .getCount();

        feedback.consumer().start();
        LiveQuality quality = awaitJoined(model, 3, flights.size());

        assertTrue(pendingWhileStopped >= flights.size() / 2, "read but unacked: "
                + pendingWhileStopped);
        assertEquals(flights.size(), quality.getGroups(0).getJoinedCount());
        awaitNoPending();
    }

    @Test
    void consumer_entriesLeftPendingByAGoneConsumer_claimedOnStart() throws InterruptedException {
        String model = "flights-claim";
        List<Flight> flights = FlightOutcomes.served(30);
        feedback.consumer().stop();
        for (int i = 0; i < flights.size(); i++) {
            append(FlightOutcomes.entry("claim-" + i, model, 1, "default", flights.get(i),
                    Scorer.ORIGIN_SHARE));
            record("claim-" + i, flights.get(i).label());
        }
        List<?> readByGone = commands.xreadgroup(
                Consumer.from(FeedbackRedisProfile.GROUP, "monitor-gone"),
                XReadArgs.Builder.count(10_000), XReadArgs.StreamOffset.lastConsumed(stream));
        Thread.sleep(FeedbackRedisProfile.CLAIM_IDLE_MILLIS * 2);

        feedback.consumer().start();
        LiveQuality quality = awaitJoined(model, 1, flights.size());

        assertTrue(readByGone.size() >= flights.size(), "read by the gone consumer");
        assertEquals(flights.size(), quality.getGroups(0).getJoinedCount());
        awaitNoPending();
    }

    /** What a monitor does when it dies after reading: the entries stay pending for it. */
    private static void readWithoutAck() {
        commands.xreadgroup(
                Consumer.from(FeedbackRedisProfile.GROUP, FeedbackRedisProfile.CONSUMER),
                XReadArgs.Builder.count(10_000), XReadArgs.StreamOffset.lastConsumed(stream));
    }

    @Test
    void exportOutcomes_version_returnsExactlyTheJoinedRows() {
        String model = "flights-export";
        List<Flight> flights = FlightOutcomes.served(60);
        Map<String, Flight> expected = new TreeMap<>();
        for (int i = 0; i < flights.size(); i++) {
            String requestId = "export-" + (1000 + i);
            append(FlightOutcomes.entry(requestId, model, i % 3 == 0 ? 2 : 1, "default",
                    flights.get(i), Scorer.ORIGIN_SHARE));
            if (i % 4 != 0) {
                record(requestId, flights.get(i).label());
                if (i % 3 != 0) {
                    expected.put(requestId, flights.get(i));
                }
            }
        }
        record("export-outcome-without-prediction", 1);
        awaitJoined(model, 1, expected.size());

        List<LabelledPrediction> rows = export(model, 1);

        assertEquals(List.copyOf(expected.keySet()),
                rows.stream().map(LabelledPrediction::getRequestId).toList());
        for (LabelledPrediction row : rows) {
            Flight flight = expected.get(row.getRequestId());
            assertEquals(flight.label(), row.getLabel());
            assertEquals(flight.originShare(), row.getScore(), 0.0);
            assertEquals(flight.origin(), row.getFeaturesOrThrow("origin").getText());
            assertEquals(flight.distance(), row.getFeaturesOrThrow("distance").getNumber(), 0.0);
            assertEquals(model, row.getModel());
            assertEquals(1, row.getVersion());
            assertEquals("default", row.getVariant());
            assertTrue(row.getOutcomeAt().getSeconds() > 0);
            assertEquals(1_780_000_000L, row.getPredictedAt().getSeconds());
        }
    }

    @Test
    void getLiveQuality_modelWithoutLoggedPredictions_notFoundNamingModel() {
        String model = "flights-never-served";
        record("never-served-1", 1);

        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> quality(model, 0));

        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        assertEquals("no predictions logged for model '" + model + "'",
                unknown.getStatus().getDescription());
    }

    @Test
    void getLiveQuality_predictionsWithoutOutcomes_okWithoutGroupsAndUnknownVersionNotFound() {
        String model = "flights-no-outcomes";
        List<Flight> flights = FlightOutcomes.served(5);
        for (int i = 0; i < flights.size(); i++) {
            append(FlightOutcomes.entry("no-outcome-" + i, model, 2, "default", flights.get(i),
                    Scorer.ORIGIN_SHARE));
        }
        awaitStored("no-outcome-" + (flights.size() - 1));

        LiveQuality everyVersion = quality(model, 0);
        LiveQuality versionTwo = quality(model, 2);
        StatusRuntimeException versionThree = assertThrows(StatusRuntimeException.class,
                () -> quality(model, 3));

        assertEquals(model, everyVersion.getModel());
        assertEquals(0, everyVersion.getGroupsCount());
        assertEquals(0, versionTwo.getGroupsCount());
        assertEquals(Status.Code.NOT_FOUND, versionThree.getStatus().getCode());
        assertEquals("no predictions logged for model '" + model + "' version 3",
                versionThree.getStatus().getDescription());
    }

    @Test
    void feedbackRpcs_badInput_invalidArgumentNamingField() {
        assertInvalid("request_id is empty",
                () -> monitor.recordOutcome(RecordOutcomeRequest.newBuilder().setLabel(1)
                        .build()));
        assertInvalid("label must be 0 or 1, got 2",
                () -> monitor.recordOutcome(RecordOutcomeRequest.newBuilder()
                        .setRequestId("bad-1").setLabel(2).build()));
        assertInvalid("time must lie between 1970 and 9999 with valid nanos",
                () -> monitor.recordOutcome(RecordOutcomeRequest.newBuilder()
                        .setRequestId("bad-1").setLabel(1)
                        .setTime(Timestamp.newBuilder().setSeconds(1).setNanos(-1)).build()));
        assertInvalid("model is empty",
                () -> monitor.getLiveQuality(GetLiveQualityRequest.getDefaultInstance()));
        assertInvalid("version must be 0 (every version) or positive, got -1",
                () -> monitor.getLiveQuality(GetLiveQualityRequest.newBuilder()
                        .setModel("m").setVersion(-1).build()));
        assertInvalid("version must be at least 1, got 0",
                () -> export("m", 0));
    }

    private record Served(PredictionLogEntry entry, int label) {

        String group() {
            return entry.getVersion() + "/" + entry.getVariant();
        }
    }

    /** Version 1 split into variants a (origin model) and b (base rate), version 2 alone. */
    private static List<Served> serveThreeGroups(String model, List<Flight> flights) {
        List<Served> served = new ArrayList<>(flights.size());
        for (int i = 0; i < flights.size(); i++) {
            int slot = i % 3;
            long version = slot == 2 ? 2 : 1;
            String variant = slot == 0 ? "a" : slot == 1 ? "b" : "default";
            Scorer scorer = slot == 0 ? Scorer.ORIGIN_SHARE
                    : slot == 1 ? Scorer.BASE_RATE : Scorer.DESTINATION_SHARE;
            served.add(new Served(FlightOutcomes.entry("quality-" + i, model, version, variant,
                    flights.get(i), scorer), flights.get(i).label()));
        }
        return served;
    }

    private static String groupOf(VariantQuality group) {
        return group.getVersion() + "/" + group.getVariant();
    }

    private static List<Served> rowsOf(List<Served> served, VariantQuality group) {
        return served.stream().filter(row -> row.group().equals(groupOf(group))).toList();
    }

    private static void assertDeLongComparison(List<Served> served, LiveQuality quality) {
        VariantComparison aVersusB = quality.getComparisons(0);
        double[] a = pairwise(served, quality.getGroups(0));
        double[] b = pairwise(served, quality.getGroups(1));
        double z = (a[0] - b[0]) / Math.sqrt(a[1] + b[1]);

        assertEquals(3, quality.getComparisonsCount());
        assertEquals("a", aVersusB.getVariantA());
        assertEquals("b", aVersusB.getVariantB());
        assertEquals(a[0] - b[0], aVersusB.getAucDifference(), 1e-12);
        assertEquals(2 * NORMAL.cumulativeProbability(-Math.abs(z)), aVersusB.getAucPValue(),
                1e-9);
    }

    private static double[] pairwise(List<Served> served, VariantQuality group) {
        List<Served> rows = rowsOf(served, group);
        return SignificanceTestsTest.pairwiseAucAndVariance(
                rows.stream().mapToDouble(row -> row.entry().getScore()).toArray(),
                rows.stream().mapToInt(Served::label).toArray());
    }

    private static void append(PredictionLogEntry entry) {
        Map<String, byte[]> fields = new HashMap<>();
        fields.put("entry", entry.toByteArray());
        fields.put("request_id", entry.getRequestId().getBytes(StandardCharsets.UTF_8));
        commands.xadd(stream, fields);
    }

    private RecordOutcomeResponse record(String requestId, int label) {
        return monitor.recordOutcome(RecordOutcomeRequest.newBuilder()
                .setRequestId(requestId).setLabel(label).build());
    }

    private LiveQuality quality(String model, long version) {
        return monitor.getLiveQuality(GetLiveQualityRequest.newBuilder().setModel(model)
                .setVersion(version).build());
    }

    private List<LabelledPrediction> export(String model, long version) {
        List<LabelledPrediction> rows = new ArrayList<>();
        Iterator<LabelledPrediction> stream = monitor.exportOutcomes(
                ExportOutcomesRequest.newBuilder().setModel(model).setVersion(version).build());
        stream.forEachRemaining(rows::add);
        return rows;
    }

    /** Waits for the rows; NOT_FOUND means no prediction of the model was consumed yet. */
    private LiveQuality awaitJoined(String model, long version, long expectedRows) {
        LiveQuality[] latest = new LiveQuality[1];
        await("joined rows of " + model + " reach " + expectedRows, () -> {
            try {
                latest[0] = quality(model, version);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
                return false;
            }
            return latest[0].getGroupsList().stream()
                    .mapToLong(VariantQuality::getJoinedCount).sum() == expectedRows;
        });
        return latest[0];
    }

    private double duplicates() {
        return registry.counter("mlmesh.monitor.predictions.duplicates").count();
    }

    private static void awaitStored(String requestId) {
        await("prediction " + requestId + " stored",
                () -> commands.exists(prefix + "prediction:" + requestId) > 0);
    }

    private static void awaitNoPending() {
        await("no pending entries", () -> commands.xpending(stream,
                FeedbackRedisProfile.GROUP).getCount() == 0);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadlineNanos) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }

    private static void assertInvalid(String description, Runnable call) {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertEquals(description, refused.getStatus().getDescription());
    }
}
