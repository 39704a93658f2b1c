package io.mlmesh.monitor.config;

import io.mlmesh.monitor.slo.Objective;
import io.mlmesh.monitor.slo.ObjectiveMonitor;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Builds the one {@link ObjectiveMonitor} from {@code mlmesh.monitor.slo.*} and judges it on a
 * single daemon thread every {@code evaluate-interval}. A bad entry stops the start with a
 * message naming it.
 */
@Singleton
final class ObjectiveMonitorProducer {

    private static final Logger LOG = Logger.getLogger(ObjectiveMonitorProducer.class);
    static final String OBJECTIVES_KEY = "mlmesh.monitor.slo.objectives";

    private ScheduledExecutorService evaluator;

    @Produces
    @Singleton
    ObjectiveMonitor objectiveMonitor(MonitorConfig config) {
        MonitorConfig.Slo slo = config.slo();
        if (slo.evaluateInterval().toMillis() < 1) {
            throw new IllegalStateException("mlmesh.monitor.slo.evaluate-interval must be at"
                    + " least 1ms, got " + slo.evaluateInterval());
        }
        List<Objective> objectives =
                parseAll(slo.objectives().orElse(List.of()), slo.minCalls());
        ObjectiveMonitor monitor;
        try {
            monitor = new ObjectiveMonitor(objectives, slo.historySize(), Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("mlmesh.monitor.slo." + e.getMessage(), e);
        }

        startEvaluating(monitor, slo.evaluateInterval().toMillis());
        LOG.infof("service-level objectives ready objectives=%d evaluateIntervalMillis=%d"
                + " historySize=%d", objectives.size(), slo.evaluateInterval().toMillis(),
                slo.historySize());
        return monitor;
    }

    /**
     * Parses every entry of {@value #OBJECTIVES_KEY}.
     *
     * @throws IllegalStateException naming the key, the bad entry and what is wrong with it
     */
    static List<Objective> parseAll(List<String> entries, int defaultMinCalls) {
        List<Objective> objectives = new ArrayList<>(entries.size());
        Set<String> names = new HashSet<>();
        for (String entry : entries) {
            Objective objective;
            try {
                objective = Objective.parse(entry, defaultMinCalls);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                        OBJECTIVES_KEY + " entry '" + entry + "': " + e.getMessage(), e);
            }
            if (!names.add(objective.name())) {
                throw new IllegalStateException(OBJECTIVES_KEY + " entry '" + entry
                        + "': a second objective for " + objective.name());
            }
            objectives.add(objective);
        }
        return objectives;
    }

    private void startEvaluating(ObjectiveMonitor monitor, long intervalMillis) {
        if (monitor.objectives().isEmpty()) {
            return;
        }

        evaluator = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "slo-evaluator");
            thread.setDaemon(true);
            return thread;
        });
        evaluator.scheduleWithFixedDelay(() -> evaluateSafely(monitor), intervalMillis,
                intervalMillis, TimeUnit.MILLISECONDS);
    }

    private static void evaluateSafely(ObjectiveMonitor monitor) {
        try {
            monitor.evaluate();
        } catch (RuntimeException e) {
            LOG.errorf(e, "objective evaluation failed, retried at the next interval");
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (evaluator != null) {
            evaluator.shutdownNow();
        }
    }
}
