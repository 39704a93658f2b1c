package io.mlmesh.monitor.served;

import io.grpc.StatusRuntimeException;
import io.mlmesh.monitor.feedback.FeedbackLoop;
import io.mlmesh.monitor.feedback.GroupQuality;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jboss.logging.Logger;

/**
 * Closes the loop back to training: judges every closed window of served traffic and, when
 * data-set drift or a live-quality drop held in {@code consecutive-windows} windows in a row
 * of one version, submits a retraining job ({@link RetrainingJobs}) and records a
 * {@link RetrainingDecision}, logged at INFO. A model gets at most one submission (or failed
 * attempt) per {@code cooldown}; a condition that holds during the cool-down is logged and
 * judged again at the next window.
 *
 * <p>Quality: at each closed window, the live AUC of every variant of the version with at least
 * {@code min-joined} outcomes is compared with {@code min-live-auc} and with the registered
 * offline AUC minus {@code max-auc-drop}; the live figures cover all joined outcomes of the
 * version, not only the window's.
 *
 * <p>Thread-safe: called on the thread that closed the window; the submission runs on it,
 * bounded by {@code call-timeout}.
 */
@Singleton
public class RetrainingTrigger implements WindowListener {

    private static final Logger LOG = Logger.getLogger(RetrainingTrigger.class);

    private final RetrainingConfig config;
    private final BiFunction<String, Long, List<GroupQuality>> liveQuality;
    private final JobSubmitter jobs;
    private final Clock clock;
    private final Map<ServedDriftMonitor.VersionKey, Streaks> streaks = new HashMap<>();
    private final Map<String, Instant> lastAttempt = new HashMap<>();
    private final Deque<RetrainingDecision> decisions = new ArrayDeque<>();

    @Inject
    public RetrainingTrigger(RetrainingConfig config, FeedbackLoop feedback,
            RetrainingJobs jobs) {
        this(config, (model, version) -> feedback.liveQuality(model, version).groups(),
                jobs::submit, Clock.systemUTC());
    }

    RetrainingTrigger(RetrainingConfig config,
            BiFunction<String, Long, List<GroupQuality>> liveQuality, JobSubmitter jobs,
            Clock clock) {
        if (config.consecutiveWindows() < 1) {
            throw new IllegalStateException("mlmesh.monitor.retraining.consecutive-windows must"
                    + " be at least 1, is " + config.consecutiveWindows());
        }
        this.config = config;
        this.liveQuality = liveQuality;
        this.jobs = jobs;
        this.clock = clock;
    }

    @Override
    public synchronized void windowClosed(WindowDrift window, VersionReference reference) {
        if (!config.enabled()) {
            return;
        }

        Streaks streak = streaks.computeIfAbsent(
                new ServedDriftMonitor.VersionKey(window.model(), window.version()),
                key -> new Streaks());
        boolean drifted = config.onDatasetDrift() && window.datasetDrift();
        streak.driftWindows = drifted ? streak.driftWindows + 1 : 0;
        Optional<String> qualityDrop = qualityDrop(window, reference);
        streak.qualityWindows = qualityDrop.isPresent() ? streak.qualityWindows + 1 : 0;

        int needed = config.consecutiveWindows();
        if (streak.driftWindows >= needed) {
            decide(window, reference, streak, "data-set drift in " + needed
                    + " consecutive windows (drifted share " + format(driftedShare(window))
                    + " in the last)");
        } else if (streak.qualityWindows >= needed) {
            decide(window, reference, streak, qualityDrop.get() + " in " + needed
                    + " consecutive windows");
        }
    }

    /** Whether the trigger submits jobs at all. */
    public boolean enabled() {
        return config.enabled();
    }

    /** The decisions, newest first; only those of {@code model} unless it is empty. */
    public synchronized List<RetrainingDecision> decisions(String model) {
        return decisions.stream()
                .filter(decision -> model.isEmpty() || decision.model().equals(model))
                .toList();
    }

    private void decide(WindowDrift window, VersionReference reference, Streaks streak,
            String reason) {
        Instant now = clock.instant();
        Instant last = lastAttempt.get(window.model());
        if (last != null && now.isBefore(last.plus(config.cooldown()))) {
            LOG.infof("retraining held by cool-down model=%s version=%d reason=\"%s\""
                    + " lastAttempt=%s", window.model(), window.version(), reason, last);
            return;
        }

        lastAttempt.put(window.model(), now);
        streak.driftWindows = 0;
        streak.qualityWindows = 0;
        RetrainingDecision decision = submit(window, reference, reason, now);
        decisions.addFirst(decision);
        while (decisions.size() > config.historySize()) {
            decisions.removeLast();
        }
    }

    private RetrainingDecision submit(WindowDrift window, VersionReference reference,
            String reason, Instant now) {
        Map<String, Double> figures = figures(window, reference);
        try {
            String jobId = jobs.submit(reference.runId(), window.lastPredictionAt(), reason);
            LOG.infof("retraining submitted model=%s version=%d job=%s reason=\"%s\""
                    + " figures=%s", window.model(), window.version(), jobId, reason, figures);
            return new RetrainingDecision(window.model(), window.version(), reason, figures,
                    jobId, "", now);
        } catch (StatusRuntimeException | IllegalStateException e) {
            String error = e instanceof StatusRuntimeException status
                    ? "training-svc " + status.getStatus().getCode() + ": "
                            + status.getStatus().getDescription()
                    : e.getMessage();
            LOG.warnf("retraining not submitted model=%s version=%d reason=\"%s\" error=\"%s\"",
                    window.model(), window.version(), reason, error);
            return new RetrainingDecision(window.model(), window.version(), reason, figures,
                    "", error, now);
        }
    }

    private Optional<String> qualityDrop(WindowDrift window, VersionReference reference) {
        if (config.minLiveAuc().isEmpty() && config.maxAucDrop().isEmpty()) {
            return Optional.empty();
        }
        for (GroupQuality group : groups(window)) {
            if (group.joinedCount() < config.minJoined() || !group.aucDefined()) {
                continue;
            }
            if (config.minLiveAuc().isPresent() && group.auc() < config.minLiveAuc()
                    .getAsDouble()) {
                return Optional.of("live AUC " + format(group.auc()) + " of variant "
                        + group.variant() + " below the floor "
                        + format(config.minLiveAuc().getAsDouble()));
            }
            double offline = reference.offlineAuc();
            if (config.maxAucDrop().isPresent() && Double.isFinite(offline)
                    && group.auc() < offline - config.maxAucDrop().getAsDouble()) {
                return Optional.of("live AUC " + format(group.auc()) + " of variant "
                        + group.variant() + " below the offline AUC " + format(offline)
                        + " minus " + format(config.maxAucDrop().getAsDouble()));
            }
        }
        return Optional.empty();
    }

    private List<GroupQuality> groups(WindowDrift window) {
        try {
            return liveQuality.apply(window.model(), window.version());
        } catch (RuntimeException e) {
            LOG.debugf("no live quality for model=%s version=%d: %s", window.model(),
                    window.version(), e.getMessage());
            return List.of();
        }
    }

    private Map<String, Double> figures(WindowDrift window, VersionReference reference) {
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("windows", (double) config.consecutiveWindows());
        figures.put("window_rows", (double) window.rowCount());
        figures.put("drifted_share", driftedShare(window));
        window.prediction().ifPresent(prediction -> figures.put("prediction_drift_score",
                prediction.score()));
        if (Double.isFinite(reference.offlineAuc())) {
            figures.put("offline_auc", reference.offlineAuc());
        }
        groups(window).stream().filter(GroupQuality::aucDefined).forEach(group ->
                figures.put("live_auc_" + group.variant(), group.auc()));
        return figures;
    }

    private static double driftedShare(WindowDrift window) {
        return window.report().map(report -> report.driftedShare()).orElse(0.0);
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    /** Submits a job; see {@link RetrainingJobs#submit}. */
    @FunctionalInterface
    interface JobSubmitter {
        String submit(String runId, Instant newestPrediction, String reason);
    }

    /** Closed windows in a row in which each condition held. */
    private static final class Streaks {
        private int driftWindows;
        private int qualityWindows;
    }
}
