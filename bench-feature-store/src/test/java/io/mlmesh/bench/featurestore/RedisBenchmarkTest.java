package io.mlmesh.bench.featurestore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RedisBenchmarkTest {

  @Test
  void parse_csvSummaryOfRedis7_readsRateAndPercentilesInMicros() {
    String csv = """
        "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms",\
        "p99_latency_ms","max_latency_ms"
        "MGET k:1","21413.28","0.045","0.016","0.039","0.071","0.135","2.351"
        """;

    RedisBenchmark.Result result = RedisBenchmark.parse(csv);

    assertEquals(21413.28, result.requestsPerSecond(), 1e-9);
    assertEquals(39, result.p50Micros(), 1e-9);
    assertEquals(135, result.p99Micros(), 1e-9);
  }

  @Test
  void parse_noSummary_failsWithWhatWasPrinted() {
    IllegalStateException error = assertThrows(IllegalStateException.class,
        () -> RedisBenchmark.parse("Could not connect to Redis at 127.0.0.1:1"));

    assertEquals("redis-benchmark printed no CSV summary: Could not connect to Redis at "
        + "127.0.0.1:1", error.getMessage());
  }
}
