package io.mlmesh.inference.predictionlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.mlmesh.inference.FlightsModel;
import io.mlmesh.inference.FlightsModel.Flight;
import io.mlmesh.inference.PeerPortsResource;
import io.mlmesh.inference.v1.PredictResponse;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The prediction log against the real Redis at 127.0.0.1:6379: every Predict over real gRPC
 * becomes one stream entry, as monitor-svc will read it, with the personal columns (here the
 * airports) hashed under the configured key and never raw. The stream key is this run's own
 * and is deleted afterwards.
 */
@QuarkusTest
@TestProfile(PredictionLogIT.RedisProfile.class)
@WithTestResource(PeerPortsResource.class)
class PredictionLogIT {

    private static final String HMAC_KEY = "prediction-log-it-key";

    /** The log on, into a stream of this run's own, masking both airports. */
    public static final class RedisProfile implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mlmesh.inference.prediction-log.redis-url", "redis://127.0.0.1:6379",
                    "mlmesh.inference.prediction-log.stream-key",
                    "mlmesh-predlog-it-" + UUID.randomUUID() + ":predictions",
                    "mlmesh.inference.prediction-log.masked-columns", "origin,destination",
                    "mlmesh.inference.prediction-log.hmac-key", HMAC_KEY);
        }
    }

    private static FlightsServing serving;
    private static RedisClient redis;
    private static StatefulRedisConnection<String, byte[]> connection;
    private static RedisCommands<String, byte[]> commands;
    private static String stream;

    @BeforeAll
    static void start() throws Exception {
        serving = FlightsServing.start();
        stream = ConfigProvider.getConfig()
                .getValue("mlmesh.inference.prediction-log.stream-key", String.class);
        redis = RedisClient.create("redis://127.0.0.1:6379");
        connection = redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        commands = connection.sync();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        commands.del(stream);
        connection.close();
        redis.shutdown();
        serving.close();
    }

    @Test
    void predict_logOn_oneEntryPerPredictionWithAirportsMasked() throws Exception {
        List<Flight> flights = serving.flights.heldOut();
        List<PredictResponse> responses = new ArrayList<>();
        Instant before = Instant.now();
        for (int i = 0; i < flights.size(); i++) {
            String requestId = i % 2 == 0 ? "log-it-" + i : "";
            responses.add(serving.predictor.predict(serving.requestOf(flights.get(i))
                    .setRequestId(requestId).build()));
        }

        List<StreamMessage<String, byte[]>> messages = awaitEntries(flights.size());

        for (int i = 0; i < flights.size(); i++) {
            PredictResponse response = responses.get(i);
            StreamMessage<String, byte[]> message = messages.get(i);
            PredictionLogEntry entry = PredictionLogEntry.parseFrom(message.getBody()
                    .get("entry"));
            Flight flight = flights.get(i);
            assertEquals(i % 2 == 0 ? "log-it-" + i : UUID.fromString(response.getRequestId())
                    .toString(), response.getRequestId());
            assertEquals(response.getRequestId(), entry.getRequestId());
            assertEquals(response.getRequestId(),
                    new String(message.getBody().get("request_id"), StandardCharsets.UTF_8));
            assertEquals(FlightsModel.MODEL, entry.getEndpoint());
            assertEquals(FlightsModel.MODEL, entry.getModel());
            assertEquals(1, entry.getVersion());
            assertEquals(response.getVariant(), entry.getVariant());
            assertEquals(response.getScore(), entry.getScore(), 0.0);
            assertEquals(EntryEncoderTest.hmac(HMAC_KEY, flight.origin()),
                    entry.getFeaturesOrThrow("origin").getText());
            assertEquals(EntryEncoderTest.hmac(HMAC_KEY, flight.destination()),
                    entry.getFeaturesOrThrow("destination").getText());
            assertEquals(Set.of("origin", "destination"),
                    Set.copyOf(entry.getMaskedColumnsList()));
            assertEquals(flight.distance(), entry.getFeaturesOrThrow("distance").getNumber(),
                    0.0);
            assertEquals(Instant.EPOCH.plus(flight.dateMicros(), ChronoUnit.MICROS).toString(),
                    entry.getFeaturesOrThrow("date").getText());
            assertOnlineFeatures(entry, flight);
            assertFalse(new String(message.getBody().get("entry"), StandardCharsets.ISO_8859_1)
                    .contains(flight.origin()), "raw origin logged");
            assertTrue(entry.getLatencyMicros() > 0);
            assertFalse(Instant.ofEpochSecond(entry.getTimestamp().getSeconds() + 1)
                    .isBefore(before));
        }
    }

    private static void assertOnlineFeatures(PredictionLogEntry entry, Flight flight) {
        double[] stats = serving.flights.originStats().get(flight.origin());
        double flightsSeen = entry.getFeaturesOrThrow("origin_stats__flights").getNumber();
        if (stats == null) {
            assertTrue(Double.isNaN(flightsSeen), "unknown origin logged as missing");
        } else {
            assertEquals(stats[0], flightsSeen, 0.0);
            assertEquals(stats[1], entry.getFeaturesOrThrow("origin_stats__delay_share")
                    .getNumber(), 0.0);
        }
    }

    private static List<StreamMessage<String, byte[]>> awaitEntries(int count)
            throws InterruptedException {
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<StreamMessage<String, byte[]>> messages = commands.xrange(stream,
                    Range.create("-", "+"));
            if (messages.size() >= count || System.nanoTime() > deadlineNanos) {
                assertEquals(count, messages.size(), "stream entries");
                return messages;
            }
            Thread.sleep(50);
        }
    }
}
