package io.mlmesh.inference.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.mlmesh.inference.CallerDeadline;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * Carries each caller's {@code grpc-timeout} header into {@link CallerDeadline#KEY}, because
 * the Vert.x transport leaves the gRPC context without a deadline. The value is only recorded
 * (no timer is scheduled): calls made on the caller's behalf take it as their own deadline.
 * A malformed header is ignored, as if absent.
 */
@ApplicationScoped
@GlobalInterceptor
public class CallerDeadlineInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> TIMEOUT_HEADER =
            Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);

    private static final int MAX_TIMEOUT_DIGITS = 8;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String timeout = headers.get(TIMEOUT_HEADER);
        long timeoutNanos = timeout == null ? -1 : parseTimeoutNanos(timeout);
        if (timeoutNanos < 0 || Context.current().getDeadline() != null) {
            return next.startCall(call, headers);
        }

        Context context = Context.current().withValue(CallerDeadline.KEY,
                Deadline.after(timeoutNanos, TimeUnit.NANOSECONDS));
        return Contexts.interceptCall(context, call, headers, next);
    }

    /**
     * The header's timeout in nanoseconds (saturating), or -1 when malformed. The gRPC wire
     * format is at most 8 digits followed by a unit: H, M, S, m (milli), u (micro), n (nano).
     */
    static long parseTimeoutNanos(String timeout) {
        int digits = timeout.length() - 1;
        if (digits < 1 || digits > MAX_TIMEOUT_DIGITS
                || !timeout.substring(0, digits).chars().allMatch(Character::isDigit)) {
            return -1;
        }

        long amount = Long.parseLong(timeout.substring(0, digits));
        return switch (timeout.charAt(digits)) {
            case 'H' -> TimeUnit.HOURS.toNanos(amount);
            case 'M' -> TimeUnit.MINUTES.toNanos(amount);
            case 'S' -> TimeUnit.SECONDS.toNanos(amount);
            case 'm' -> TimeUnit.MILLISECONDS.toNanos(amount);
            case 'u' -> TimeUnit.MICROSECONDS.toNanos(amount);
            case 'n' -> amount;
            default -> -1;
        };
    }
}
