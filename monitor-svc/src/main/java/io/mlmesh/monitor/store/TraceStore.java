package io.mlmesh.monitor.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Spans received from every service, kept in memory: the newest traces in full, and latency and
 * error statistics per operation over everything received since start.
 *
 * <p>Design: one private lock guards the traces, their eviction order and the statistics, so
 * each export is applied whole and a summary reads a consistent state. Exporters send batches
 * of hundreds of spans and the work per span is a map lookup and a histogram increment, so a
 * single lock costs less than finer-grained structures would save. Traces are kept in the order
 * they were first seen and the oldest is evicted once more than {@code maxTraces} are held;
 * spans beyond {@code maxSpansPerTrace} in one trace still count in the statistics but are not
 * kept, so memory stays bounded whatever the exporters send. Statistics are cumulative and do
 * not shrink on eviction (a histogram cannot forget values). Stored spans share one
 * {@link Operation} instance per operation, so the names of a million spans cost nothing extra.
 *
 * <p>Thread safety: every public method may be called from any thread at any time.
 */
public final class TraceStore {

    private static final Logger LOG = Logger.getLogger(TraceStore.class);

    private final int maxTraces;
    private final int maxSpansPerTrace;
    private final Object lock = new Object();
    private final LinkedHashMap<String, List<ReceivedSpan>> spansByTraceId =
            new LinkedHashMap<>();
    private final Map<Operation, OperationStats> statsByOperation = new HashMap<>();
    private long evictedTraceCount;
    private long droppedSpanCount;
    private long receivedSpanCount;

    /**
     * @param maxTraces how many traces to hold before evicting the oldest, at least 1
     * @param maxSpansPerTrace how many spans to hold per trace, at least 1
     * @throws IllegalArgumentException if a limit is below 1
     */
    public TraceStore(int maxTraces, int maxSpansPerTrace) {
        if (maxTraces < 1) {
            throw new IllegalArgumentException("maxTraces must be >= 1: " + maxTraces);
        }
        if (maxSpansPerTrace < 1) {
            throw new IllegalArgumentException(
                    "maxSpansPerTrace must be >= 1: " + maxSpansPerTrace);
        }
        this.maxTraces = maxTraces;
        this.maxSpansPerTrace = maxSpansPerTrace;
    }

    /**
     * Adds one export's spans, then evicts the oldest traces beyond the limit.
     *
     * @param spansByTraceId spans keyed by trace id (32 lowercase hex digits)
     */
    public void addAll(Map<String, List<ReceivedSpan>> spansByTraceId) {
        synchronized (lock) {
            spansByTraceId.forEach(this::addTrace);
            evictOldest();
        }
    }

    /**
     * Returns the held spans of one trace, ordered by start time.
     *
     * @param traceId 32 lowercase hex digits
     * @throws TraceNotFoundException if the trace was never received or was evicted
     */
    public List<ReceivedSpan> trace(String traceId) {
        List<ReceivedSpan> spans;
        synchronized (lock) {
            List<ReceivedSpan> held = spansByTraceId.get(traceId);
            if (held == null) {
                throw new TraceNotFoundException(traceId);
            }
            spans = new ArrayList<>(held);
        }

        spans.sort(Comparator.comparingLong(ReceivedSpan::startEpochNanos));
        return spans;
    }

    /**
     * Summarizes the services whose name starts with {@code servicePrefix}.
     *
     * @param servicePrefix a service name prefix; empty matches every service
     */
    public Summary summarize(String servicePrefix) {
        List<OperationLatency> operations = new ArrayList<>();
        long traceCount;
        synchronized (lock) {
            for (OperationStats stats : statsByOperation.values()) {
                if (stats.operation().service().startsWith(servicePrefix)) {
                    operations.add(stats.latency());
                }
            }
            traceCount = spansByTraceId.size() + evictedTraceCount;
        }

        operations.sort(Comparator.comparing((OperationLatency o) -> o.operation().service())
                .thenComparing(o -> o.operation().name()));
        List<ServiceTotals> services = totalsPerService(operations);
        long spanCount = services.stream().mapToLong(ServiceTotals::spanCount).sum();
        return new Summary(spanCount, traceCount, services, operations);
    }

    /** Traces held now, at most {@code maxTraces}. */
    public int heldTraceCount() {
        synchronized (lock) {
            return spansByTraceId.size();
        }
    }

    /** Traces evicted since start to stay within {@code maxTraces}. */
    public long evictedTraceCount() {
        synchronized (lock) {
            return evictedTraceCount;
        }
    }

    /** Spans counted in the statistics but not held, their trace being full. */
    public long droppedSpanCount() {
        synchronized (lock) {
            return droppedSpanCount;
        }
    }

    /** Spans added since start. */
    public long receivedSpanCount() {
        synchronized (lock) {
            return receivedSpanCount;
        }
    }

    private void addTrace(String traceId, List<ReceivedSpan> spans) {
        List<ReceivedSpan> held =
                spansByTraceId.computeIfAbsent(traceId, id -> new ArrayList<>());
        for (ReceivedSpan span : spans) {
            OperationStats stats =
                    statsByOperation.computeIfAbsent(span.operation(), OperationStats::new);
            stats.record(span, traceId);
            receivedSpanCount++;
            if (held.size() < maxSpansPerTrace) {
                held.add(canonical(span, stats.operation()));
            } else {
                droppedSpanCount++;
            }
        }
    }

    private static ReceivedSpan canonical(ReceivedSpan span, Operation operation) {
        return span.operation() == operation ? span : span.withOperation(operation);
    }

    private void evictOldest() {
        Iterator<String> oldestFirst = spansByTraceId.keySet().iterator();
        long evictedNow = 0;
        while (spansByTraceId.size() > maxTraces) {
            oldestFirst.next();
            oldestFirst.remove();
            evictedNow++;
        }
        if (evictedNow > 0 && evictedTraceCount == 0) {
            LOG.infof("trace store full, evicting oldest traces maxTraces=%d", maxTraces);
        }
        evictedTraceCount += evictedNow;
    }

    private static List<ServiceTotals> totalsPerService(List<OperationLatency> operations) {
        Map<String, ServiceTotals> totalsByService = new TreeMap<>();
        for (OperationLatency latency : operations) {
            String service = latency.operation().service();
            ServiceTotals totals =
                    new ServiceTotals(service, latency.count(), latency.errorCount());
            totalsByService.merge(service, totals, TraceStore::sum);
        }

        return new ArrayList<>(totalsByService.values());
    }

    private static ServiceTotals sum(ServiceTotals first, ServiceTotals second) {
        return new ServiceTotals(
                first.service(),
                first.spanCount() + second.spanCount(),
                first.errorCount() + second.errorCount());
    }
}
