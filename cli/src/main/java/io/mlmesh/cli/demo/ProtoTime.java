package io.mlmesh.cli.demo;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Conversions between protobuf time messages and the UTC times the demo works in. */
final class ProtoTime {

    static final long MICROS_PER_DAY = 86_400_000_000L;

    private ProtoTime() {
    }

    static Timestamp startOf(LocalDate day) {
        return Timestamp.newBuilder()
                .setSeconds(day.atStartOfDay().toEpochSecond(ZoneOffset.UTC))
                .build();
    }

    static Timestamp fromMicros(long micros) {
        return Timestamp.newBuilder()
                .setSeconds(Math.floorDiv(micros, 1_000_000L))
                .setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000)
                .build();
    }

    static LocalDate dayOf(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L))
                .atZone(ZoneOffset.UTC).toLocalDate();
    }

    static Duration days(int days) {
        return Duration.newBuilder().setSeconds(days * 86_400L).build();
    }
}
