package io.mlmesh.monitor.store;

import java.util.Objects;

/**
 * One received span, without its trace id (the store keys spans by trace).
 *
 * @param operation the service and span name
 * @param spanId the 8-byte span id as a big-endian long, never 0
 * @param parentSpanId the parent's span id, 0 for a root span
 * @param startEpochNanos start time in nanoseconds since the Unix epoch
 * @param durationMicros end minus start in microseconds, never negative
 * @param error whether the span's status code was ERROR
 */
public record ReceivedSpan(
        Operation operation,
        long spanId,
        long parentSpanId,
        long startEpochNanos,
        long durationMicros,
        boolean error) {

    public ReceivedSpan {
        Objects.requireNonNull(operation, "operation");
        if (durationMicros < 0) {
            throw new IllegalArgumentException("durationMicros must be >= 0: " + durationMicros);
        }
    }

    ReceivedSpan withOperation(Operation canonical) {
        return new ReceivedSpan(
                canonical, spanId, parentSpanId, startEpochNanos, durationMicros, error);
    }
}
