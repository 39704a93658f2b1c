package io.mlmesh.monitor.served;

import io.mlmesh.core.drift.DriftDetector;
import io.mlmesh.core.drift.DriftReport;
import io.mlmesh.core.drift.FeatureDrift;
import io.mlmesh.core.drift.FeatureProfile;
import io.mlmesh.core.drift.FeatureValues;
import io.mlmesh.core.drift.ModelReference;
import io.mlmesh.monitor.feedback.FeedbackLoop;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Drift of served traffic: every prediction the feedback loop stores goes into the open window
 * of its model version; a window closes when it holds {@code window-rows} predictions or when
 * {@code window-duration} has passed since its first one arrived, and is then tested against
 * the version's reference (the column profiles and test-score profile training stored in the
 * bundle) with core's {@link DriftDetector}. Closed windows are kept per version, at most
 * {@code history-size}, in memory: a restart starts the history again.
 *
 * <p>Windows hold the logged entries themselves and read them only when tested, so a reference
 * the registry could not give at first (registry down) is asked for again at the next test and
 * the window is still tested in full. References that were read are cached per version.
 *
 * <p>Thread-safe: the prediction log consumer adds, a daemon thread closes windows by age,
 * gRPC workers read. Tests and registry calls run outside the lock.
 */
@Singleton
public class ServedDriftMonitor {

    private static final Logger LOG = Logger.getLogger(ServedDriftMonitor.class);

    private final Object lock = new Object();
    private final Map<VersionKey, VersionTraffic> traffic = new TreeMap<>(VersionKey.ORDER);
    private final Map<VersionKey, VersionReference> references = new ConcurrentHashMap<>();
    private final ServedDriftConfig config;
    private final ReferenceSource source;
    private final DriftDetector detector;
    private final WindowListener listener;
    private final Clock clock;
    private ScheduledExecutorService checker;

    @Inject
    public ServedDriftMonitor(ServedDriftConfig config, ReferenceSource source,
            DriftDetector detector, RetrainingTrigger trigger) {
        this(config, source, detector, trigger, Clock.systemUTC());
    }

    ServedDriftMonitor(ServedDriftConfig config, ReferenceSource source, DriftDetector detector,
            WindowListener listener, Clock clock) {
        if (config.windowRows() < 1 || config.historySize() < 1) {
            throw new IllegalStateException("mlmesh.monitor.served-drift.window-rows and"
                    + " history-size must be at least 1, are " + config.windowRows() + " and "
                    + config.historySize());
        }
        this.config = config;
        this.source = source;
        this.detector = detector;
        this.listener = listener;
        this.clock = clock;
    }

    /** Listens to the feedback loop before it starts consuming, and checks window ages. */
    void start(@Observes @Priority(1) StartupEvent event, FeedbackLoop feedback) {
        feedback.onStoredPrediction(this::observe);
        long intervalMillis = Math.max(1, config.checkInterval().toMillis());
        checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "served-drift-windows");
            thread.setDaemon(true);
            return thread;
        });
        checker.scheduleWithFixedDelay(this::closeDueWindowsSafely, intervalMillis,
                intervalMillis, TimeUnit.MILLISECONDS);
        LOG.infof("served drift windows ready windowRows=%d windowDurationSeconds=%d"
                + " historySize=%d", config.windowRows(), config.windowDuration().toSeconds(),
                config.historySize());
    }

    void stop(@Observes ShutdownEvent event) {
        if (checker != null) {
            checker.shutdownNow();
        }
    }

    /** Adds one newly stored prediction; closes and tests its window when full. */
    public void observe(PredictionLogEntry entry) {
        VersionKey key = new VersionKey(entry.getModel(), entry.getVersion());
        List<PredictionLogEntry> full = null;
        synchronized (lock) {
            VersionTraffic version = traffic.computeIfAbsent(key, k -> new VersionTraffic());
            version.add(entry, clock.instant());
            if (version.open.size() >= config.windowRows()) {
                full = version.take();
            }
        }
        if (full != null) {
            close(key, full);
        }
    }

    /** Closes and tests every window whose first prediction arrived window-duration ago. */
    public void closeDueWindows() {
        Instant due = clock.instant().minus(config.windowDuration());
        Map<VersionKey, List<PredictionLogEntry>> closing = new LinkedHashMap<>();
        synchronized (lock) {
            traffic.forEach((key, version) -> {
                if (!version.open.isEmpty() && !version.openedAt.isAfter(due)) {
                    closing.put(key, version.take());
                }
            });
        }
        closing.forEach(this::close);
    }

    /**
     * The closed windows of one version, oldest first, for charts of drift per feature over
     * time; empty when the version has none yet.
     */
    public List<WindowDrift> history(String model, long version) {
        synchronized (lock) {
            VersionTraffic served = traffic.get(new VersionKey(model, version));
            return served == null ? List.of() : List.copyOf(served.closed);
        }
    }

    /** The open window of one version, tested now; empty when it holds no prediction. */
    public Optional<WindowDrift> current(String model, long version) {
        VersionKey key = new VersionKey(model, version);
        List<PredictionLogEntry> open;
        synchronized (lock) {
            VersionTraffic served = traffic.get(key);
            if (served == null || served.open.isEmpty()) {
                return Optional.empty();
            }
            open = List.copyOf(served.open);
        }
        return Optional.of(test(key, open, true, null));
    }

    /**
     * The versions of a model whose predictions were consumed, ascending; with a positive
     * {@code version}, that one only.
     *
     * @throws ServedTrafficNotFoundException when there is none
     */
    public List<Long> versions(String model, long version) {
        List<Long> versions = new ArrayList<>();
        synchronized (lock) {
            traffic.keySet().stream()
                    .filter(key -> key.model().equals(model)
                            && (version == 0 || key.version() == version))
                    .forEach(key -> versions.add(key.version()));
        }
        if (versions.isEmpty()) {
            throw new ServedTrafficNotFoundException("no served predictions consumed for model '"
                    + model + "'" + (version == 0 ? "" : " version " + version));
        }
        return versions;
    }

    /** Every model with consumed predictions and its versions, ascending. */
    public Map<String, List<Long>> servedVersions() {
        Map<String, List<Long>> versions = new TreeMap<>();
        synchronized (lock) {
            traffic.keySet().forEach(key -> versions.computeIfAbsent(key.model(),
                    model -> new ArrayList<>()).add(key.version()));
        }
        return versions;
    }

    private void closeDueWindowsSafely() {
        try {
            closeDueWindows();
        } catch (RuntimeException e) {
            LOG.warn("closing served drift windows failed; tried again at the next check", e);
        }
    }

    private void close(VersionKey key, List<PredictionLogEntry> entries) {
        WindowDrift window = test(key, entries, false, clock.instant());
        synchronized (lock) {
            Deque<WindowDrift> closed = traffic.get(key).closed;
            closed.addLast(window);
            while (closed.size() > config.historySize()) {
                closed.removeFirst();
            }
        }
        LOG.infof("served window closed model=%s version=%d rows=%d verdict=%s drifted=%s"
                + " predictionDrift=%s", key.model(), key.version(), window.rowCount(),
                window.report().map(report -> report.verdict().name()).orElse("NO_REFERENCE"),
                window.report().map(ServedDriftMonitor::driftedNames).orElse(""),
                window.prediction().map(FeatureDrift::drifted).orElse(false));
        listener.windowClosed(window, reference(key));
    }

    private WindowDrift test(VersionKey key, List<PredictionLogEntry> entries, boolean open,
            Instant closedAt) {
        Instant first = entries.stream().map(ServedDriftMonitor::timeOf)
                .min(Comparator.naturalOrder()).orElseThrow();
        Instant last = entries.stream().map(ServedDriftMonitor::timeOf)
                .max(Comparator.naturalOrder()).orElseThrow();
        VersionReference version = reference(key);
        if (version.reference().isEmpty()) {
            return new WindowDrift(key.model(), key.version(), open, first, last, closedAt,
                    entries.size(), Optional.empty(), Optional.empty(), 0, version.note());
        }

        ModelReference reference = version.reference().get();
        Map<String, FeatureValues> columns = new LinkedHashMap<>();
        for (FeatureProfile profile : reference.features().features()) {
            columns.put(profile.feature(), LoggedColumns.values(entries, profile.feature(),
                    reference.readings().get(profile.feature())));
        }
        DriftReport report = detector.compare(reference.features(), columns);
        FeatureDrift prediction = detector.compare(reference.prediction(),
                LoggedColumns.scores(entries));
        return new WindowDrift(key.model(), key.version(), open, first, last, closedAt,
                entries.size(), Optional.of(report), Optional.of(prediction),
                reference.features().rowCount(), "");
    }

    private VersionReference reference(VersionKey key) {
        VersionReference known = references.get(key);
        if (known != null) {
            return known;
        }
        VersionReference loaded = source.load(key.model(), key.version());
        if (loaded.settled()) {
            references.put(key, loaded);
        }
        return loaded;
    }

    private static String driftedNames(DriftReport report) {
        return String.join(",", report.features().stream().filter(FeatureDrift::drifted)
                .map(FeatureDrift::feature).toList());
    }

    private static Instant timeOf(PredictionLogEntry entry) {
        return Instant.ofEpochSecond(entry.getTimestamp().getSeconds(),
                entry.getTimestamp().getNanos());
    }

    /** A model version. */
    record VersionKey(String model, long version) {

        static final Comparator<VersionKey> ORDER = Comparator.comparing(VersionKey::model)
                .thenComparingLong(VersionKey::version);
    }

    /** The open window of one version and its closed ones, oldest first. */
    private static final class VersionTraffic {

        private final Deque<WindowDrift> closed = new ArrayDeque<>();
        private List<PredictionLogEntry> open = new ArrayList<>();
        private Instant openedAt;

        void add(PredictionLogEntry entry, Instant now) {
            if (open.isEmpty()) {
                openedAt = now;
            }
            open.add(entry);
        }

        List<PredictionLogEntry> take() {
            List<PredictionLogEntry> taken = open;
            open = new ArrayList<>();
            return taken;
        }
    }
}
