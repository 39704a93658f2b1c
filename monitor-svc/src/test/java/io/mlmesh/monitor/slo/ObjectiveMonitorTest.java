package io.mlmesh.monitor.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.monitor.store.Operation;
import io.mlmesh.monitor.store.ReceivedSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectiveMonitorTest {

    private static final Operation PREDICT =
            new Operation("inference-svc", "mlmesh.inference.v1.Predictor/Predict");
    private static final Operation LIST_MODELS =
            new Operation("registry-svc", "mlmesh.registry.v1.Registry/ListModels");
    private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");

    private final MovableClock clock = new MovableClock(START);

    @Test
    void evaluate_p99AboveThreshold_opensOneAlertWithObservedFigures() {
        ObjectiveMonitor monitor = monitor(objective(PREDICT, 50, 0.5, 10), 5);
        monitor.record(spans(PREDICT, 90, 20, 0));
        monitor.record(spans(PREDICT, 80_000, 2, 0));

        clock.advance(Duration.ofSeconds(1));
        monitor.evaluate();
        monitor.evaluate();

        List<Alert> open = monitor.openAlerts();
        assertEquals(1, open.size());
        Alert alert = open.get(0);
        assertEquals(PREDICT, alert.objective().operation());
        assertEquals(22, alert.observed().callCount());
        assertEquals(80.0, alert.observed().p99Millis(), 0.1);
        assertEquals(0.0, alert.observed().errorRate(), 0.0);
        assertEquals(String.format("p99 %.1fms > 50.0ms", alert.observed().p99Millis()),
                alert.reason());
        assertEquals(START.plusSeconds(1), alert.since());
        assertTrue(alert.open());
    }

    @Test
    void evaluate_errorRateAboveThreshold_opensAlertNamingErrorRate() {
        ObjectiveMonitor monitor = monitor(objective(PREDICT, 50, 0.01, 10), 5);
        monitor.record(spans(PREDICT, 90, 97, 3));

        monitor.evaluate();

        Alert alert = monitor.openAlerts().get(0);
        assertEquals(0.03, alert.observed().errorRate(), 1e-12);
        assertEquals("error rate 0.0300 > 0.01", alert.reason());
    }

    @Test
    void evaluate_objectiveHolds_noAlert() {
        ObjectiveMonitor monitor = monitor(objective(PREDICT, 50, 0.01, 10), 5);
        monitor.record(spans(PREDICT, 49_000, 199, 1));

        monitor.evaluate();

        assertEquals(List.of(), monitor.openAlerts());
    }

    @Test
    void evaluate_fewerCallsThanMinimum_notJudged() {
        ObjectiveMonitor monitor = monitor(objective(PREDICT, 50, 0.01, 100), 5);
        monitor.record(spans(PREDICT, 900_000, 50, 49));

        monitor.evaluate();
        assertEquals(List.of(), monitor.openAlerts());
        monitor.record(spans(PREDICT, 900_000, 1, 0));
        monitor.evaluate();

        assertEquals(1, monitor.openAlerts().size());
    }

    @Test
    void evaluate_otherOperationSlow_noAlert() {
        ObjectiveMonitor monitor = monitor(objective(PREDICT, 50, 0.01, 10), 5);
        monitor.record(spans(LIST_MODELS, 900_000, 50, 50));

        monitor.evaluate();

        assertEquals(List.of(), monitor.openAlerts());
    }

    @Test
    void evaluate_slowCallsSlideOutOfWindow_alertResolvesIntoHistory() {
        ObjectiveMonitor monitor = monitor(objective(PREDICT, 50, 0.01, 10), 5);
        monitor.record(spans(PREDICT, 200_000, 20, 0));
        monitor.evaluate();
        clock.advance(Duration.ofSeconds(30));
        monitor.record(spans(PREDICT, 40_000, 20, 0));
        clock.advance(Duration.ofSeconds(25));
        monitor.evaluate();
        assertEquals(1, monitor.openAlerts().size(), "slow calls still inside the 60s window");

        clock.advance(Duration.ofSeconds(10));
        monitor.evaluate();

        assertEquals(List.of(), monitor.openAlerts());
        List<Alert> resolved = monitor.resolvedAlerts(10);
        assertEquals(1, resolved.size());
        assertFalse(resolved.get(0).open());
        assertEquals(START, resolved.get(0).since());
        assertEquals(START.plusSeconds(65), resolved.get(0).resolvedAt().orElseThrow());
    }

    @Test
    void evaluate_windowEmptiedAfterBreaking_alertStaysOpen() {
        ObjectiveMonitor monitor = monitor(objective(PREDICT, 50, 0.01, 10), 5);
        monitor.record(spans(PREDICT, 200_000, 20, 0));
        monitor.evaluate();

        clock.advance(Duration.ofMinutes(5));
        monitor.evaluate();

        assertEquals(1, monitor.openAlerts().size());
    }

    @Test
    void resolvedAlerts_moreThanHistorySize_keepsNewestOnly() {
        ObjectiveMonitor monitor = monitor(objective(PREDICT, 50, 0.01, 10), 3);
        for (int round = 0; round < 5; round++) {
            monitor.record(spans(PREDICT, 200_000, 20, 0));
            monitor.evaluate();
            clock.advance(Duration.ofSeconds(61));
            monitor.record(spans(PREDICT, 1_000, 20, 0));
            monitor.evaluate();
            clock.advance(Duration.ofSeconds(61));
        }

        List<Alert> resolved = monitor.resolvedAlerts(10);

        assertEquals(3, resolved.size());
        assertEquals(START.plusSeconds(4 * 122), resolved.get(0).since());
        assertEquals(START.plusSeconds(2 * 122), resolved.get(2).since());
        assertEquals(2, monitor.resolvedAlerts(2).size());
    }

    @Test
    void constructor_historySizeZero_refusedNamingSetting() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new ObjectiveMonitor(List.of(), 0, clock));

        assertEquals("history-size must be at least 1, got 0", refused.getMessage());
    }

    private ObjectiveMonitor monitor(Objective objective, int historySize) {
        return new ObjectiveMonitor(List.of(objective), historySize, clock);
    }

    private static Objective objective(Operation operation, double p99Millis, double errorRate,
            int minCalls) {
        return new Objective(operation, p99Millis, errorRate, Duration.ofSeconds(60), minCalls);
    }

    /** {@code okCount + errorCount} spans of one trace, each lasting {@code durationMicros}. */
    private static Map<String, List<ReceivedSpan>> spans(Operation operation,
            long durationMicros, int okCount, int errorCount) {
        List<ReceivedSpan> spans = new ArrayList<>();
        for (int i = 0; i < okCount + errorCount; i++) {
            spans.add(new ReceivedSpan(operation, i + 1, 0, 0, durationMicros, i >= okCount));
        }
        return Map.of("4bf92f3577b34da6a3ce929d0e0e4736", spans);
    }
}
