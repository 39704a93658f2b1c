package io.mlmesh.bench.featurestore;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Protobuf time messages from the UTC times the benchmark works in. */
final class ProtoTimes {

  private static final long DAY_SECONDS = 86_400;

  private ProtoTimes() {
  }

  static Duration days(int days) {
    return Duration.newBuilder().setSeconds(days * DAY_SECONDS).build();
  }

  static Timestamp utc(LocalDateTime time) {
    return Timestamp.newBuilder().setSeconds(time.toEpochSecond(ZoneOffset.UTC)).build();
  }
}
