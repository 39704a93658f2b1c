package io.mlmesh.inference.routing;

import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * The canary's calls over a sliding window: counts, errors and latencies in
 * {@value #BUCKETS} buckets, each covering 1/{@value #BUCKETS} of the window. A bucket whose
 * time has passed is cleared when its slot comes round again, so the window always holds the
 * last {@code windowSeconds} (to within one bucket) and memory stays fixed.
 *
 * <p>Latencies go to one HdrHistogram per bucket (microseconds, two significant digits, up to
 * {@value #MAX_LATENCY_MICROS} µs; longer calls count as that). Merging the window's
 * histograms costs some microseconds, so the owner judges p99 at most once per
 * {@link #P99_CHECK_INTERVAL_NANOS}, and the error rate, a sum of counters, on every call.
 *
 * <p>Threads: callers serialize on this object's monitor (the completing threads of the
 * canary's calls).
 */
final class CanaryWindow {

    /** How often the window's p99 is recomputed at most. */
    static final long P99_CHECK_INTERVAL_NANOS = 100_000_000L;

    private static final int BUCKETS = 60;
    private static final int SIGNIFICANT_DIGITS = 2;
    private static final long MAX_LATENCY_MICROS = 60_000_000L;

    private final long bucketNanos;
    private final long[] bucketStarts = new long[BUCKETS];
    private final long[] calls = new long[BUCKETS];
    private final long[] errors = new long[BUCKETS];
    private final Histogram[] latencies = new Histogram[BUCKETS];
    private final Histogram merged = newHistogram();
    private final long originNanos;

    CanaryWindow(long windowSeconds, long nowNanos) {
        bucketNanos = windowSeconds * 1_000_000_000L / BUCKETS;
        originNanos = nowNanos;
        Arrays.fill(bucketStarts, Long.MIN_VALUE);
        for (int i = 0; i < BUCKETS; i++) {
            latencies[i] = newHistogram();
        }
    }

    /** Counts one call that ended at {@code nowNanos}. */
    synchronized void record(long nowNanos, boolean failed, long latencyNanos) {
        int slot = slotOf(nowNanos);
        calls[slot]++;
        if (failed) {
            errors[slot]++;
        }
        long micros = Math.min(MAX_LATENCY_MICROS, Math.max(0, latencyNanos / 1000));
        latencies[slot].recordValue(micros);
    }

    /** The calls in the window that ends at {@code nowNanos}. */
    synchronized long calls(long nowNanos) {
        return sumLive(calls, nowNanos);
    }

    /** The failed calls in the window that ends at {@code nowNanos}. */
    synchronized long errors(long nowNanos) {
        return sumLive(errors, nowNanos);
    }

    /** The p99 latency in microseconds over the window; 0 without calls. */
    synchronized long p99Micros(long nowNanos) {
        merged.reset();
        long current = bucketStartOf(nowNanos);
        for (int i = 0; i < BUCKETS; i++) {
            if (isLive(bucketStarts[i], current)) {
                merged.add(latencies[i]);
            }
        }
        return merged.getTotalCount() == 0 ? 0 : merged.getValueAtPercentile(99.0);
    }

    private int slotOf(long nowNanos) {
        long start = bucketStartOf(nowNanos);
        int slot = (int) Math.floorMod(start / bucketNanos, (long) BUCKETS);
        if (bucketStarts[slot] != start) {
            bucketStarts[slot] = start;
            calls[slot] = 0;
            errors[slot] = 0;
            latencies[slot].reset();
        }
        return slot;
    }

    private long sumLive(long[] counts, long nowNanos) {
        long current = bucketStartOf(nowNanos);
        long sum = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (isLive(bucketStarts[i], current)) {
                sum += counts[i];
            }
        }
        return sum;
    }

    private boolean isLive(long bucketStart, long currentStart) {
        return bucketStart != Long.MIN_VALUE
                && currentStart - bucketStart < BUCKETS * bucketNanos;
    }

    private static Histogram newHistogram() {
        return new Histogram(MAX_LATENCY_MICROS, SIGNIFICANT_DIGITS);
    }

    private long bucketStartOf(long nowNanos) {
        long sinceOrigin = nowNanos - originNanos;
        return sinceOrigin - Math.floorMod(sinceOrigin, bucketNanos);
    }
}
