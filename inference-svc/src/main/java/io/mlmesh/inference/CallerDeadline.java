package io.mlmesh.inference;

import io.grpc.Context;
import io.grpc.Deadline;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of the gRPC call being served. grpc-java's own server puts it on the current
 * {@link Context}; Quarkus's Vert.x transport (gRPC sharing the HTTP port) does not, so
 * {@code CallerDeadlineInterceptor} reads the caller's {@code grpc-timeout} header into
 * {@link #KEY}. Either way, {@link #current} is what downstream calls must not outlive.
 */
public final class CallerDeadline {

    /** The caller's deadline, set by the server interceptor when the transport does not. */
    public static final Context.Key<Deadline> KEY = Context.key("mlmesh-caller-deadline");

    private CallerDeadline() {
    }

    /** The current call's deadline, or null when the caller set none. */
    public static Deadline current() {
        Deadline transport = Context.current().getDeadline();
        return transport != null ? transport : KEY.get();
    }

    /** The current call's remaining time; {@link Long#MAX_VALUE} when the caller set none. */
    public static long remainingNanos() {
        Deadline deadline = current();
        return deadline == null ? Long.MAX_VALUE : deadline.timeRemaining(TimeUnit.NANOSECONDS);
    }
}
