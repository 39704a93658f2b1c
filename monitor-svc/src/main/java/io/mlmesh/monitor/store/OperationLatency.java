package io.mlmesh.monitor.store;

/**
 * Latency and errors of one operation since start. Percentiles carry HdrHistogram's precision
 * of three significant digits; the maximum is exact.
 *
 * @param operation the service and span name
 * @param count spans received
 * @param errorCount spans whose status was ERROR
 * @param p50Micros median duration in microseconds
 * @param p99Micros 99th percentile duration in microseconds
 * @param maxMicros longest duration in microseconds
 * @param slowestTraceId the trace of the longest span: where to look first when p99 is high
 */
public record OperationLatency(
        Operation operation,
        long count,
        long errorCount,
        long p50Micros,
        long p99Micros,
        long maxMicros,
        String slowestTraceId) {
}
