package io.mlmesh.inference.predictionlog;

import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * A WARN line that repeats at most once per interval, saying how many times the problem
 * happened since the last line: while Redis is down the writer fails every second, and a line
 * per failure would bury the log.
 *
 * <p>Used by the prediction log's writer thread only; not thread-safe.
 */
final class ThrottledWarning {

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private long lastLoggedNanos;
    private boolean loggedOnce;
    private long suppressed;

    ThrottledWarning(Logger log, long intervalNanos, LongSupplier nanoClock) {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
    }

    /**
     * Logs {@code message} (with {@code occurrences=} the count since the last line) unless a
     * line went out within the interval.
     *
     * @return whether a line was logged
     */
    boolean warn(String message, Throwable cause) {
        long now = nanoClock.getAsLong();
        suppressed++;
        if (loggedOnce && now - lastLoggedNanos < intervalNanos) {
            return false;
        }

        log.warnf("%s occurrences=%d error=%s", message, suppressed, String.valueOf(cause));
        loggedOnce = true;
        lastLoggedNanos = now;
        suppressed = 0;
        return true;
    }
}
