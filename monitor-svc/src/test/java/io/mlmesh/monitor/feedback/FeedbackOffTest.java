package io.mlmesh.monitor.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlmesh.monitor.v1.GetLiveQualityRequest;
import io.mlmesh.monitor.v1.GetTraceSummaryRequest;
import io.mlmesh.monitor.v1.MonitorGrpc;
import io.mlmesh.monitor.v1.RecordOutcomeRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Without a Redis URL the feedback RPCs say so, and the rest of the monitor serves. */
@QuarkusTest
class FeedbackOffTest {

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
    void recordOutcome_feedbackOff_unavailableNamingTheSetting() {
        StatusRuntimeException outcome = assertThrows(StatusRuntimeException.class,
                () -> monitor.recordOutcome(RecordOutcomeRequest.newBuilder()
                        .setRequestId("r-1").setLabel(1).build()));
        StatusRuntimeException quality = assertThrows(StatusRuntimeException.class,
                () -> monitor.getLiveQuality(GetLiveQualityRequest.newBuilder()
                        .setModel("m").build()));

        for (StatusRuntimeException refused : new StatusRuntimeException[] {outcome, quality}) {
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
            assertEquals("feedback is off: mlmesh.monitor.feedback.redis-url is not set",
                    refused.getStatus().getDescription());
        }
        monitor.getTraceSummary(GetTraceSummaryRequest.getDefaultInstance());
    }
}
