package io.mlmesh.monitor.store;

import org.HdrHistogram.Histogram;

/**
 * Cumulative latency histogram and error count of one operation. Not thread-safe: the owning
 * {@link TraceStore} guards every instance with its lock.
 */
final class OperationStats {

    private static final int SIGNIFICANT_DIGITS = 3;

    private final Operation operation;
    private final Histogram latencyMicros = new Histogram(SIGNIFICANT_DIGITS);
    private long errorCount;
    private long maxMicros;
    private String slowestTraceId = "";

    OperationStats(Operation operation) {
        this.operation = operation;
    }

    Operation operation() {
        return operation;
    }

    long count() {
        return latencyMicros.getTotalCount();
    }

    long errorCount() {
        return errorCount;
    }

    void record(ReceivedSpan span, String traceId) {
        latencyMicros.recordValue(span.durationMicros());
        if (span.durationMicros() >= maxMicros) {
            maxMicros = span.durationMicros();
            slowestTraceId = traceId;
        }
        if (span.error()) {
            errorCount++;
        }
    }

    OperationLatency latency() {
        return new OperationLatency(operation, count(), errorCount, percentile(50.0),
                percentile(99.0), maxMicros, slowestTraceId);
    }

    /**
     * The histogram answers with the highest value of the recorded value's bucket, which can
     * exceed the exact maximum; a percentile above the maximum would read as nonsense.
     */
    private long percentile(double percentile) {
        return Math.min(latencyMicros.getValueAtPercentile(percentile), maxMicros);
    }
}
