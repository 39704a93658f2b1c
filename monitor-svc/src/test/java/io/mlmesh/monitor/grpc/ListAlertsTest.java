package io.mlmesh.monitor.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlmesh.monitor.slo.ObjectiveMonitor;
import io.mlmesh.monitor.v1.Alert;
import io.mlmesh.monitor.v1.Alerts;
import io.mlmesh.monitor.v1.ListAlertsRequest;
import io.mlmesh.monitor.v1.MonitorGrpc;
import io.mlmesh.monitor.v1.ServiceLevelObjective;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Service-level objectives end to end: real spans go through the OpenTelemetry SDK's OTLP/gRPC
 * exporter to the running monitor, an evaluation judges them, and ListAlerts answers over a real
 * channel. The test calls the evaluation itself instead of waiting for the timer (set to an hour
 * here), so it does not sleep.
 */
@QuarkusTest
@TestProfile(ListAlertsTest.WithObjectives.class)
class ListAlertsTest {

    private static final String SERVICE = "slo-test-checkout";
    private static final String PAY = "mlmesh.checkout.v1.Checkout/Pay";
    private static final String REFUND = "mlmesh.checkout.v1.Checkout/Refund";
    private static final long BASE_EPOCH_NANOS = 1_700_000_000_000_000_000L;

    /** Objectives on two operations of one service: only Pay is slow in the test. */
    public static final class WithObjectives implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mlmesh.monitor.slo.objectives",
                    SERVICE + ":" + PAY + ":p99-millis=50:error-rate=0.5:min-calls=10,"
                            + SERVICE + ":" + REFUND + ":p99-millis=50:error-rate=0.5",
                    "mlmesh.monitor.slo.evaluate-interval", "1h");
        }
    }

    @TestHTTPResource("/")
    URL serviceUrl;

    @Inject
    ObjectiveMonitor objectives;

    private ManagedChannel channel;
    private MonitorGrpc.MonitorBlockingStub monitor;

    @BeforeEach
    void openChannel() {
        channel = ManagedChannelBuilder.forAddress("localhost", serviceUrl.getPort())
                .usePlaintext()
                .build();
        monitor = MonitorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void listAlerts_slowSpansExportedAndEvaluated_showsOpenAlertForThatRpcOnly() {
        export(spans(PAY, 30, 120_000, 3));
        export(spans(REFUND, 30, 2_000, 0));

        objectives.evaluate();
        Alerts alerts = monitor.listAlerts(ListAlertsRequest.getDefaultInstance());

        assertEquals(1, alerts.getOpenCount());
        Alert alert = alerts.getOpen(0);
        assertEquals(SERVICE + ":" + PAY, alert.getObjective().getName());
        assertEquals(SERVICE, alert.getObjective().getService());
        assertEquals(PAY, alert.getObjective().getOperation());
        assertEquals(50.0, alert.getObjective().getP99Millis(), 0.0);
        assertEquals(60, alert.getObjective().getWindowSeconds());
        assertEquals(30, alert.getObservedCalls());
        assertEquals(120.0, alert.getObservedP99Millis(), 0.2);
        assertEquals(0.1, alert.getObservedErrorRate(), 1e-12);
        assertTrue(alert.getReason().startsWith("p99 120."), alert.getReason());
        assertTrue(alert.getSince().getSeconds() > 0);
        assertFalse(alert.hasResolvedAt());
        assertEquals(List.of(SERVICE + ":" + PAY, SERVICE + ":" + REFUND),
                alerts.getObjectivesList().stream().map(ServiceLevelObjective::getName)
                        .toList());
        assertEquals(20, alerts.getObjectives(1).getMinCalls());
    }

    @Test
    void listAlerts_negativeResolvedLimit_invalidArgumentNamingField() {
        ListAlertsRequest request = ListAlertsRequest.newBuilder().setResolvedLimit(-1).build();

        StatusRuntimeException refused =
                assertThrows(StatusRuntimeException.class, () -> monitor.listAlerts(request));

        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertEquals("resolved_limit must be 0 (default 20) or positive, got -1",
                refused.getStatus().getDescription());
        assertEquals(2, monitor.listAlerts(ListAlertsRequest.getDefaultInstance())
                .getObjectivesCount());
    }

    private static List<SpanData> spans(String name, int count, long durationMicros,
            int errorCount) {
        SdkTracerProvider provider = MonitorServiceTest.tracerProvider(SERVICE);
        List<SpanData> spans = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long startNanos = BASE_EPOCH_NANOS + TimeUnit.SECONDS.toNanos(i);
            Span span = MonitorServiceTest.startSpan(provider, name, Context.root(), startNanos);
            spans.add(MonitorServiceTest.endSpan(span, startNanos, durationMicros,
                    i < errorCount));
        }
        return spans;
    }

    private void export(List<SpanData> spans) {
        SpanExports.export(serviceUrl.getPort(), spans);
    }
}
