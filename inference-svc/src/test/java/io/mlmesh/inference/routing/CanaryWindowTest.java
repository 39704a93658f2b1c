package io.mlmesh.inference.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CanaryWindowTest {

    private static final long START_NANOS = 1_000_000_000_000L;

    @Test
    void p99Micros_hundredCalls_isTheSlowestWithinOnePercent() {
        CanaryWindow window = new CanaryWindow(60, START_NANOS);
        for (int i = 1; i <= 100; i++) {
            window.record(START_NANOS + i, false, TimeUnit.MILLISECONDS.toNanos(i));
        }

        long p99 = window.p99Micros(START_NANOS + 200);

        assertTrue(p99 >= 99_000 && p99 <= 99_000 * 1.01, "p99 " + p99);
        assertEquals(100, window.calls(START_NANOS + 200));
    }

    @Test
    void calls_afterWindowPassed_oldBucketsForgotten() {
        CanaryWindow window = new CanaryWindow(10, START_NANOS);
        window.record(START_NANOS, true, 5_000);
        window.record(START_NANOS + TimeUnit.SECONDS.toNanos(6), false, 5_000);

        long later = START_NANOS + TimeUnit.SECONDS.toNanos(12);

        assertEquals(1, window.calls(later));
        assertEquals(0, window.errors(later));
        assertEquals(2, window.calls(START_NANOS + TimeUnit.SECONDS.toNanos(7)));
        assertEquals(1, window.errors(START_NANOS + TimeUnit.SECONDS.toNanos(7)));
    }
}
