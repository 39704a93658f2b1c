package io.mlmesh.monitor.dashboard;

import io.mlmesh.monitor.config.DashboardConfig;
import io.mlmesh.monitor.store.ReceivedSpan;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jboss.logging.Logger;

/**
 * Latency percentiles, error rate and span rate per service over each sample interval, from
 * every span the service reported.
 *
 * <p>Design: the trace store's histograms are cumulative since start, which flattens any change
 * over time; here each service has an HdrHistogram {@link Recorder}, whose recording is
 * wait-free and whose {@link Recorder#getIntervalHistogram(Histogram)} swaps in a fresh
 * histogram, so every read covers exactly the spans recorded since the previous read. Errors
 * are counted beside it; a span recorded during the swap may have its error counted one
 * interval apart from its latency, so an interval's error rate is clamped to 1. At most
 * {@code max-series} services are tracked; spans of further services are left out, with a
 * warning the first time.
 *
 * <p>Thread safety: {@link #record} may be called from any number of threads at once;
 * {@link #read} from one thread at a time (the sampler's).
 */
@Singleton
public final class TrafficRecorder implements FigureSource {

    static final ChartSpec P50 = new ChartSpec(Panel.LATENCY, "latency-p50",
            "Latency p50 per service", "ms");
    static final ChartSpec P95 = new ChartSpec(Panel.LATENCY, "latency-p95",
            "Latency p95 per service", "ms");
    static final ChartSpec P99 = new ChartSpec(Panel.LATENCY, "latency-p99",
            "Latency p99 per service", "ms");
    static final ChartSpec ERROR_RATE = new ChartSpec(Panel.TRAFFIC, "error-rate",
            "Error rate per service (share of spans with status ERROR)", "");
    static final ChartSpec SPAN_RATE = new ChartSpec(Panel.TRAFFIC, "span-rate",
            "Spans per second per service", "1/s");

    private static final Logger LOG = Logger.getLogger(TrafficRecorder.class);
    private static final int SIGNIFICANT_DIGITS = 3;
    private static final double MICROS_PER_MILLI = 1_000.0;
    private static final double MILLIS_PER_SECOND = 1_000.0;

    private final int maxServices;
    private final Map<String, ServiceTraffic> trafficByService = new ConcurrentHashMap<>();
    private final AtomicBoolean leftOutLogged = new AtomicBoolean();

    private static final class ServiceTraffic {

        private final Recorder latencyMicros = new Recorder(SIGNIFICANT_DIGITS);
        private final LongAdder errorCount = new LongAdder();
        private Histogram recycled;
    }

    @Inject
    TrafficRecorder(DashboardConfig config) {
        this(config.maxSeries());
    }

    /** @param maxServices services tracked, at least 1 */
    TrafficRecorder(int maxServices) {
        this.maxServices = maxServices;
    }

    /** Adds one export's spans to their services' current interval. */
    public void record(Map<String, List<ReceivedSpan>> spansByTraceId) {
        for (List<ReceivedSpan> spans : spansByTraceId.values()) {
            spans.forEach(this::record);
        }
    }

    /** Percentiles, error rate and span rate of every service that had spans this interval. */
    @Override
    public List<Figure> read() {
        List<Figure> figures = new ArrayList<>();
        trafficByService.forEach((service, traffic) -> addFigures(service, traffic, figures));
        return figures;
    }

    private void record(ReceivedSpan span) {
        ServiceTraffic traffic = trafficOf(span.operation().service());
        if (traffic == null) {
            return;
        }

        traffic.latencyMicros.recordValue(span.durationMicros());
        if (span.error()) {
            traffic.errorCount.increment();
        }
    }

    private ServiceTraffic trafficOf(String service) {
        ServiceTraffic traffic = trafficByService.get(service);
        if (traffic != null) {
            return traffic;
        }
        if (trafficByService.size() >= maxServices) {
            if (leftOutLogged.compareAndSet(false, true)) {
                LOG.warnf("dashboard tracks no more services, spans of further services left"
                        + " out service=%s maxSeries=%d", service, maxServices);
            }
            return null;
        }
        return trafficByService.computeIfAbsent(service, name -> new ServiceTraffic());
    }

    private static void addFigures(String service, ServiceTraffic traffic,
            List<Figure> figures) {
        Histogram interval = traffic.latencyMicros.getIntervalHistogram(traffic.recycled);
        traffic.recycled = interval;
        long errorCount = traffic.errorCount.sumThenReset();
        long count = interval.getTotalCount();
        if (count == 0) {
            return;
        }

        figures.add(new Figure(P50, service, percentileMillis(interval, 50.0)));
        figures.add(new Figure(P95, service, percentileMillis(interval, 95.0)));
        figures.add(new Figure(P99, service, percentileMillis(interval, 99.0)));
        figures.add(new Figure(ERROR_RATE, service, Math.min(1.0, (double) errorCount / count)));
        long intervalMillis = interval.getEndTimeStamp() - interval.getStartTimeStamp();
        if (intervalMillis > 0) {
            figures.add(new Figure(SPAN_RATE, service,
                    count * MILLIS_PER_SECOND / intervalMillis));
        }
    }

    /**
     * The histogram answers with the highest value of the percentile's bucket, which can exceed
     * the exact maximum; capped there, as the trace store does.
     */
    private static double percentileMillis(Histogram histogram, double percentile) {
        return Math.min(histogram.getValueAtPercentile(percentile), histogram.getMaxValue())
                / MICROS_PER_MILLI;
    }
}
