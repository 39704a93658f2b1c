package io.mlmesh.inference.predictionlog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/** The writer's WARN lines: at most one per interval, whatever the failure rate. */
class ThrottledWarningTest {

    @Test
    void warn_failuresEveryHundredMillisForTwoMinutes_oneLinePerInterval() {
        AtomicLong nowNanos = new AtomicLong();
        ThrottledWarning warning = new ThrottledWarning(
                Logger.getLogger(ThrottledWarningTest.class), TimeUnit.SECONDS.toNanos(30),
                nowNanos::get);
        List<Long> loggedAtMillis = new ArrayList<>();

        for (long millis = 0; millis < 120_000; millis += 100) {
            nowNanos.set(TimeUnit.MILLISECONDS.toNanos(millis));
            if (warning.warn("redis down", new IllegalStateException("refused"))) {
                loggedAtMillis.add(millis);
            }
        }

        assertEquals(List.of(0L, 30_000L, 60_000L, 90_000L), loggedAtMillis);
    }
}
