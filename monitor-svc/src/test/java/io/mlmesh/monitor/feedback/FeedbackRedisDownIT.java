package io.mlmesh.monitor.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlmesh.monitor.v1.ExportOutcomesRequest;
import io.mlmesh.monitor.v1.GetTraceSummaryRequest;
import io.mlmesh.monitor.v1.MonitorGrpc;
import io.mlmesh.monitor.v1.RecordOutcomeRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis unreachable (a loopback port where nothing listens, so connections are really
 * refused): the monitor starts anyway, the feedback RPCs answer UNAVAILABLE and the rest of the
 * service keeps serving.
 */
@QuarkusTest
@TestProfile(FeedbackRedisDownIT.ClosedPortProfile.class)
class FeedbackRedisDownIT {

    /** Feedback on, pointed at a closed port. */
    public static final class ClosedPortProfile implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mlmesh.monitor.feedback.redis-url",
                    "redis://127.0.0.1:" + closedPort(),
                    "mlmesh.monitor.feedback.redis-timeout", "1s");
        }
    }

    @TestHTTPResource("/")
    URL serviceUrl;

    private ManagedChannel channel;
    private MonitorGrpc.MonitorBlockingStub monitor;

    @BeforeEach
    void openChannel() {
        channel = ManagedChannelBuilder.forAddress("localhost", serviceUrl.getPort())
                .usePlaintext().build();
        monitor = MonitorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void feedbackRpcs_redisDown_unavailableAndMonitorKeepsServing() {
        StatusRuntimeException outcome = assertThrows(StatusRuntimeException.class,
                () -> monitor.recordOutcome(RecordOutcomeRequest.newBuilder()
                        .setRequestId("r-1").setLabel(0).build()));
        StatusRuntimeException export = assertThrows(StatusRuntimeException.class,
                () -> monitor.exportOutcomes(ExportOutcomesRequest.newBuilder()
                        .setModel("m").setVersion(1).build()).hasNext());

        for (StatusRuntimeException refused : new StatusRuntimeException[] {outcome, export}) {
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
            assertTrue(refused.getStatus().getDescription()
                    .startsWith("feedback store (Redis) unavailable: "),
                    refused.getStatus().getDescription());
        }
        assertEquals(0, monitor.getTraceSummary(GetTraceSummaryRequest.newBuilder()
                .setServicePrefix("no-such-service").build()).getServicesCount());
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
