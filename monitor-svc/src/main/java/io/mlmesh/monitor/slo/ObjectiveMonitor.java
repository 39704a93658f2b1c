package io.mlmesh.monitor.slo;

import io.mlmesh.monitor.store.Operation;
import io.mlmesh.monitor.store.ReceivedSpan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Judges the configured service-level objectives against the spans the monitor receives, and
 * keeps their alerts.
 *
 * <p>Design: each objective has its own {@link SlidingWindow}, fed with the spans of its
 * operation as they arrive, stamped with this monitor's clock (exporters' clocks drift, and
 * spans may arrive late). {@link #evaluate()} reads every window: an objective with at least
 * {@code minCalls} calls whose p99 or error rate is above its threshold opens an alert, logged
 * once at WARN; an open alert whose objective holds again resolves, is logged at INFO and moves
 * to a history of at most {@code historySize} alerts, newest first. A window with fewer calls
 * is not judged and leaves the state as it is: no traffic is no evidence either way. The clock
 * is injected so tests move time instead of sleeping.
 *
 * <p>Thread safety: every public method may be called from any thread; one private lock guards
 * the windows and alerts. Recording a span is a map lookup and a histogram increment.
 */
public final class ObjectiveMonitor {

    private static final Logger LOG = Logger.getLogger(ObjectiveMonitor.class);

    private final List<Objective> objectives;
    private final Map<Operation, List<Tracked>> trackedByOperation = new HashMap<>();
    private final int historySize;
    private final Clock clock;
    private final Object lock = new Object();
    private final Map<Objective, Alert> openAlerts = new LinkedHashMap<>();
    private final Deque<Alert> resolvedAlerts = new ArrayDeque<>();

    private record Tracked(Objective objective, SlidingWindow window) {
    }

    /**
     * @param objectives the objectives to judge, distinct
     * @param historySize resolved alerts kept, at least 1
     * @param clock the time spans are stamped and alerts dated with
     */
    public ObjectiveMonitor(List<Objective> objectives, int historySize, Clock clock) {
        if (historySize < 1) {
            throw new IllegalArgumentException("history-size must be at least 1, got "
                    + historySize);
        }
        this.objectives = List.copyOf(objectives);
        this.historySize = historySize;
        this.clock = clock;
        for (Objective objective : this.objectives) {
            SlidingWindow window = new SlidingWindow(objective.window().toMillis());
            trackedByOperation.computeIfAbsent(objective.operation(), key -> new ArrayList<>())
                    .add(new Tracked(objective, window));
        }
    }

    /** The objectives judged, in configuration order. */
    public List<Objective> objectives() {
        return objectives;
    }

    /** Adds one export's spans to the windows of the objectives on their operations. */
    public void record(Map<String, List<ReceivedSpan>> spansByTraceId) {
        if (trackedByOperation.isEmpty()) {
            return;
        }

        long nowMillis = clock.millis();
        synchronized (lock) {
            for (List<ReceivedSpan> spans : spansByTraceId.values()) {
                spans.forEach(span -> record(span, nowMillis));
            }
        }
    }

    /** Judges every objective now, opening and resolving alerts. */
    public void evaluate() {
        Instant now = clock.instant();
        synchronized (lock) {
            for (Collection<Tracked> tracked : trackedByOperation.values()) {
                tracked.forEach(each -> judge(each, now));
            }
        }
    }

    /** Alerts open now, oldest first. */
    public List<Alert> openAlerts() {
        synchronized (lock) {
            return openAlerts.values().stream()
                    .sorted(Comparator.comparing(Alert::since))
                    .toList();
        }
    }

    /** At most {@code limit} resolved alerts, most recently resolved first. */
    public List<Alert> resolvedAlerts(int limit) {
        synchronized (lock) {
            return resolvedAlerts.stream().limit(limit).toList();
        }
    }

    private void record(ReceivedSpan span, long nowMillis) {
        List<Tracked> tracked = trackedByOperation.get(span.operation());
        if (tracked == null) {
            return;
        }
        for (Tracked each : tracked) {
            each.window().record(nowMillis, span.durationMicros(), span.error());
        }
    }

    private void judge(Tracked tracked, Instant now) {
        Objective objective = tracked.objective();
        WindowReading reading = tracked.window().read(now.toEpochMilli());
        if (reading.callCount() < objective.minCalls()) {
            return;
        }

        Optional<String> broken = brokenBy(objective, reading);
        Alert open = openAlerts.get(objective);
        if (broken.isPresent() && open == null) {
            openAlert(objective, reading, broken.get(), now);
        } else if (broken.isPresent()) {
            openAlerts.put(objective, open.stillBroken(reading, broken.get()));
        } else if (open != null) {
            resolve(open, reading, now);
        }
    }

    private static Optional<String> brokenBy(Objective objective, WindowReading reading) {
        List<String> reasons = new ArrayList<>(2);
        if (reading.p99Millis() > objective.p99Millis()) {
            reasons.add(String.format("p99 %.1fms > %sms", reading.p99Millis(),
                    objective.p99Millis()));
        }
        if (reading.errorRate() > objective.errorRate()) {
            reasons.add(String.format("error rate %.4f > %s", reading.errorRate(),
                    objective.errorRate()));
        }
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", reasons));
    }

    private void openAlert(Objective objective, WindowReading reading, String reason,
            Instant now) {
        openAlerts.put(objective, new Alert(objective, reading, reason, now, Optional.empty()));
        LOG.warnf("objective broken objective=%s reason=\"%s\" p99Millis=%.1f errorRate=%.4f"
                + " calls=%d thresholdP99Millis=%s thresholdErrorRate=%s windowSeconds=%d",
                objective.name(), reason, reading.p99Millis(), reading.errorRate(),
                reading.callCount(), objective.p99Millis(), objective.errorRate(),
                objective.window().toSeconds());
    }

    private void resolve(Alert open, WindowReading reading, Instant now) {
        Objective objective = open.objective();
        openAlerts.remove(objective);
        resolvedAlerts.addFirst(open.resolved(now));
        while (resolvedAlerts.size() > historySize) {
            resolvedAlerts.removeLast();
        }
        LOG.infof("objective holds again objective=%s p99Millis=%.1f errorRate=%.4f calls=%d"
                + " brokenSeconds=%d", objective.name(), reading.p99Millis(),
                reading.errorRate(), reading.callCount(),
                Duration.between(open.since(), now).toSeconds());
    }
}
