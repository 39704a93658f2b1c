package io.mlmesh.monitor.slo;

import org.HdrHistogram.Histogram;

/**
 * Calls of one operation over the last {@code window}, as a ring of time slices, each with a
 * latency histogram and an error count.
 *
 * <p>Design: keeping every call would cost memory in proportion to traffic; a ring of at most
 * {@value #MAX_SLICES} slices costs the same at any rate. A slice is reused (reset) once its
 * time has passed out of the window, so the window slides by whole slices: a reading covers the
 * current, partly filled slice and the slices before it, between {@code window - slice} and
 * {@code window} of history. Times are the monitor's receive times in milliseconds from the
 * caller's clock, so that tests move time without sleeping. Not thread-safe: the owning
 * {@link ObjectiveMonitor} guards it with its lock.
 */
final class SlidingWindow {

    static final int MAX_SLICES = 60;
    private static final int SIGNIFICANT_DIGITS = 3;
    private static final double MICROS_PER_MILLI = 1_000.0;

    private final long sliceMillis;
    private final Slice[] slices;

    private static final class Slice {

        private final Histogram latencyMicros = new Histogram(SIGNIFICANT_DIGITS);
        private long number = Long.MIN_VALUE;
        private long errorCount;
    }

    /** @param windowMillis the window's length in milliseconds, at least 1000 */
    SlidingWindow(long windowMillis) {
        int sliceCount = (int) Math.min(MAX_SLICES, windowMillis / 1_000);
        this.sliceMillis = -Math.floorDiv(-windowMillis, sliceCount);
        this.slices = new Slice[sliceCount];
        for (int i = 0; i < sliceCount; i++) {
            slices[i] = new Slice();
        }
    }

    void record(long nowMillis, long durationMicros, boolean error) {
        Slice slice = current(nowMillis);
        slice.latencyMicros.recordValue(durationMicros);
        if (error) {
            slice.errorCount++;
        }
    }

    WindowReading read(long nowMillis) {
        long currentNumber = Math.floorDiv(nowMillis, sliceMillis);
        Histogram merged = new Histogram(SIGNIFICANT_DIGITS);
        long errorCount = 0;
        for (Slice slice : slices) {
            if (slice.number > currentNumber - slices.length && slice.number <= currentNumber) {
                merged.add(slice.latencyMicros);
                errorCount += slice.errorCount;
            }
        }

        long callCount = merged.getTotalCount();
        double p99Millis = callCount == 0
                ? 0
                : Math.min(merged.getValueAtPercentile(99.0), merged.getMaxValue())
                        / MICROS_PER_MILLI;
        return new WindowReading(callCount, errorCount, p99Millis);
    }

    private Slice current(long nowMillis) {
        long number = Math.floorDiv(nowMillis, sliceMillis);
        Slice slice = slices[(int) Math.floorMod(number, (long) slices.length)];
        if (slice.number != number) {
            slice.latencyMicros.reset();
            slice.errorCount = 0;
            slice.number = number;
        }
        return slice;
    }
}
