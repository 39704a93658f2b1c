package io.mlmesh.monitor.slo;

/**
 * What one objective's window held when it was judged.
 *
 * @param callCount calls in the window
 * @param errorCount those whose span status was ERROR
 * @param p99Millis 99th percentile latency in milliseconds (HdrHistogram's three significant
 *     digits), 0 when the window is empty
 */
public record WindowReading(long callCount, long errorCount, double p99Millis) {

    /** Failed calls over all calls, 0 when the window is empty. */
    public double errorRate() {
        return callCount == 0 ? 0 : (double) errorCount / callCount;
    }
}
