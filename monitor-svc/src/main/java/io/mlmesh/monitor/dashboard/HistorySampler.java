package io.mlmesh.monitor.dashboard;

import io.mlmesh.monitor.config.DashboardConfig;
import io.quarkus.arc.All;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Turns the current figures of every {@link FigureSource} into history: every
 * {@code sample-interval} (counted from the end of the previous sample) it reads them all and
 * appends one sample to each chart's {@link ChartHistory}, which keeps
 * {@code retention / sample-interval} samples. A chart appears with its first figure; after that
 * it gets a sample at every tick, empty when its source had nothing, so a quiet interval shows
 * as a gap instead of being joined over.
 *
 * <p>History lives in memory only and starts empty at every start of the monitor.
 *
 * <p>Thread safety: sampling runs on one daemon thread (sources may rely on it: they are never
 * read concurrently); {@link #charts()} may be called from any thread. One private lock guards
 * the histories.
 */
@Singleton
public final class HistorySampler implements ChartSource {

    private static final Logger LOG = Logger.getLogger(HistorySampler.class);
    private static final long MIN_SAMPLE_INTERVAL_MILLIS = 10;

    private final List<FigureSource> sources;
    private final long sampleIntervalMillis;
    private final int capacity;
    private final int maxSeries;
    private final Clock clock;
    private final Object lock = new Object();
    private final Map<String, ChartHistory> historyById = new LinkedHashMap<>();
    private ScheduledExecutorService sampler;

    @Inject
    HistorySampler(DashboardConfig config, @All List<FigureSource> sources) {
        this(sources, config.sampleInterval(), config.retention(), config.maxSeries(),
                Clock.systemUTC());
    }

    /**
     * @param sampleInterval at least 10ms
     * @param retention at least one sample interval
     * @param maxSeries series per chart, at least 1
     * @throws IllegalStateException naming the setting that is out of range
     */
    HistorySampler(List<FigureSource> sources, Duration sampleInterval, Duration retention,
            int maxSeries, Clock clock) {
        if (sampleInterval.toMillis() < MIN_SAMPLE_INTERVAL_MILLIS) {
            throw new IllegalStateException("mlmesh.monitor.dashboard.sample-interval must be at"
                    + " least 10ms, got " + sampleInterval);
        }
        if (retention.compareTo(sampleInterval) < 0) {
            throw new IllegalStateException("mlmesh.monitor.dashboard.retention must be at least"
                    + " the sample interval " + sampleInterval + ", got " + retention);
        }
        if (maxSeries < 1) {
            throw new IllegalStateException("mlmesh.monitor.dashboard.max-series must be at"
                    + " least 1, got " + maxSeries);
        }
        this.sources = List.copyOf(sources);
        this.sampleIntervalMillis = sampleInterval.toMillis();
        this.capacity = (int) Math.min(Integer.MAX_VALUE,
                retention.toMillis() / sampleIntervalMillis);
        this.maxSeries = maxSeries;
        this.clock = clock;
    }

    /**
     * Runs after the other start observers (default priority), so that the first sample finds
     * the feedback loop's Redis client created.
     */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) StartupEvent event) {
        sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "dashboard-sampler");
            thread.setDaemon(true);
            return thread;
        });
        sampler.scheduleWithFixedDelay(this::sampleSafely, sampleIntervalMillis,
                sampleIntervalMillis, TimeUnit.MILLISECONDS);
        LOG.infof("dashboard sampler started sampleIntervalMillis=%d samplesKept=%d"
                + " maxSeries=%d sources=%d", sampleIntervalMillis, capacity, maxSeries,
                sources.size());
    }

    void stop(@Observes ShutdownEvent event) {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    /** Milliseconds between samples. */
    long sampleIntervalMillis() {
        return sampleIntervalMillis;
    }

    /**
     * Reads every source once and appends the figures as one sample at the clock's time. The
     * timer calls it; tests of a sampler that was never started call it instead.
     */
    void sampleNow() {
        long nowMillis = clock.millis();
        Map<String, ChartSpec> specById = new LinkedHashMap<>();
        Map<String, Map<String, Double>> valuesById = new HashMap<>();
        for (FigureSource source : sources) {
            for (Figure figure : readSafely(source)) {
                specById.putIfAbsent(figure.chart().id(), figure.chart());
                valuesById.computeIfAbsent(figure.chart().id(), id -> new HashMap<>())
                        .put(figure.series(), figure.value());
            }
        }

        synchronized (lock) {
            specById.forEach((id, spec) -> historyById.computeIfAbsent(id,
                    newId -> new ChartHistory(spec, capacity, maxSeries)));
            historyById.forEach((id, history) ->
                    history.append(nowMillis, valuesById.getOrDefault(id, Map.of())));
        }
    }

    /** An exception escaping a scheduled task would cancel every later sample. */
    private void sampleSafely() {
        try {
            sampleNow();
        } catch (RuntimeException e) {
            LOG.errorf(e, "dashboard sample failed, taken again at the next interval");
        }
    }

    /** The sampled charts in the order they first had a figure. */
    @Override
    public List<Chart> charts() {
        synchronized (lock) {
            List<Chart> charts = new ArrayList<>(historyById.size());
            historyById.values().forEach(history -> charts.add(history.chart()));
            return charts;
        }
    }

    private static List<Figure> readSafely(FigureSource source) {
        try {
            return source.read().stream()
                    .filter(figure -> Double.isFinite(figure.value()))
                    .toList();
        } catch (RuntimeException e) {
            LOG.warnf(e, "dashboard figures skipped for this sample source=%s",
                    source.getClass().getSimpleName());
            return List.of();
        }
    }
}
