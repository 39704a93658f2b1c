package io.mlmesh.inference.predictionlog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.MeterRegistry;
import io.mlmesh.inference.FlightsModel.Flight;
import io.mlmesh.inference.PeerPortsResource;
import io.mlmesh.inference.v1.PredictResponse;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Redis down must cost serving nothing: the log points at a loopback port where nothing
 * listens (connections are refused, a real failure, no stand-in), every Predict still
 * succeeds, the small buffer fills and holds its predictions for when Redis returns, and the
 * rest are dropped and counted. (That the writer's retries every 50 ms log one WARN line per
 * 30 s is {@link ThrottledWarningTest}'s part.)
 */
@QuarkusTest
@TestProfile(PredictionLogRedisDownIT.ClosedPortProfile.class)
@WithTestResource(PeerPortsResource.class)
class PredictionLogRedisDownIT {

    private static final int BUFFER_SIZE = 8;
    /** The log on, pointed at a closed port, with a small buffer and fast retries. */
    public static final class ClosedPortProfile implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mlmesh.inference.prediction-log.redis-url",
                    "redis://127.0.0.1:" + closedPort(),
                    "mlmesh.inference.prediction-log.buffer-size", Integer.toString(BUFFER_SIZE),
                    "mlmesh.inference.prediction-log.retry-delay-millis", "50");
        }
    }

    private static FlightsServing serving;

    @Inject
    MeterRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        serving = FlightsServing.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        serving.close();
    }

    @Test
    void predict_redisPortClosed_succeedsAndDropsBeyondBufferAreCounted() throws Exception {
        List<Flight> flights = serving.flights.heldOut();
        double droppedBefore = registry.counter(PredictionLog.DROPPED_METRIC).count();

        for (Flight flight : flights) {
            PredictResponse response = serving.predictor.predict(serving.requestOf(flight)
                    .build());
            assertEquals(serving.flights.scoreOf(flight), response.getScore(), 0.0);
        }

        assertEquals(flights.size() - BUFFER_SIZE,
                registry.counter(PredictionLog.DROPPED_METRIC).count() - droppedBefore, 0.0);
        assertEquals(0, registry.counter(PredictionLog.WRITTEN_METRIC).count(), 0.0);
        assertEquals(BUFFER_SIZE,
                registry.get("mlmesh.inference.prediction.log.buffered").gauge().value(), 0.0);
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
