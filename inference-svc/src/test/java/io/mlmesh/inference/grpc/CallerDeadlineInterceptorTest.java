package io.mlmesh.inference.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallerDeadlineInterceptorTest {

    @Test
    void parseTimeoutNanos_everyUnit_convertsToNanos() {
        assertEquals(TimeUnit.HOURS.toNanos(2), CallerDeadlineInterceptor.parseTimeoutNanos("2H"));
        assertEquals(TimeUnit.MINUTES.toNanos(3),
                CallerDeadlineInterceptor.parseTimeoutNanos("3M"));
        assertEquals(TimeUnit.SECONDS.toNanos(5),
                CallerDeadlineInterceptor.parseTimeoutNanos("5S"));
        assertEquals(4_999_000L, CallerDeadlineInterceptor.parseTimeoutNanos("4999u"));
        assertEquals(250_000_000L, CallerDeadlineInterceptor.parseTimeoutNanos("250m"));
        assertEquals(7L, CallerDeadlineInterceptor.parseTimeoutNanos("7n"));
    }

    @Test
    void parseTimeoutNanos_malformed_minusOne() {
        assertEquals(-1, CallerDeadlineInterceptor.parseTimeoutNanos("S"));
        assertEquals(-1, CallerDeadlineInterceptor.parseTimeoutNanos("123456789S"));
        assertEquals(-1, CallerDeadlineInterceptor.parseTimeoutNanos("12x"));
        assertEquals(-1, CallerDeadlineInterceptor.parseTimeoutNanos("-5S"));
    }
}
