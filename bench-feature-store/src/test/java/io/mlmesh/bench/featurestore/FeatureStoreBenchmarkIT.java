package io.mlmesh.bench.featurestore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Smoke test of the benchmark: a few calls of every series against the packaged
 * feature-store-svc, real Redis and redis-benchmark, on the carried 20k-flight sample. It checks
 * that every figure is there and plausible, not how fast anything is (speed targets live in
 * BENCHMARKS.md).
 */
class FeatureStoreBenchmarkIT {

  @Test
  void measure_fewCalls_reportsEveryFigureWithSaneValues() throws Exception {
    FeatureStoreBenchmark benchmark = CommandLine.populateCommand(new FeatureStoreBenchmark(),
        "--feature-store-jar", System.getProperty("mlmesh.featurestore.jar"),
        "--flights", System.getProperty("mlmesh.flights.sample"),
        "--warm-up-calls", "100", "--calls", "150", "--batch-calls", "15", "--rounds", "3");

    BenchmarkReport report = benchmark.measure();

    assertOrdered(report.health().latencies());
    assertOrdered(report.single().pooled().latencies());
    assertOrdered(report.batch().pooled().latencies());
    assertEquals(150, report.health().latencies().calls());
    assertEquals(150, report.single().pooled().latencies().calls());
    assertEquals(15, report.batch().pooled().latencies().calls());
    assertEquals(3, report.single().p99Ratios().size());
    assertTrue(report.single().medianRedisP99Micros() > 0, "redis-benchmark p99 of 1 key");
    assertTrue(report.batch().medianRedisP99Micros()
        >= report.batch().medianRedisP50Micros());
    assertTrue(report.single().medianP99Ratio() > 0
        && Double.isFinite(report.single().medianP99Ratio()));
    assertTrue(report.singleP50OverHealth() > 0);
    assertTrue(report.batchEntitiesPerSecond() > report.batch().pooled().callsPerSecond());
    assertEquals(9_857, report.loans().count());
    assertEquals(report.loans().count(), report.loans().entitiesWritten(),
        "every loan is one online row");
    assertEquals(20_000, report.flights().sourceRows());
    assertTrue(report.flights().entitiesWritten() > 0, "origins written");
    assertTrue(report.flights().featureRows() >= report.flights().entitiesWritten());
    assertEquals(0, report.flights().entitiesWrittenAgain(), "materializing twice writes nothing");
    String text = report.format();
    assertTrue(text.contains("p99 ratio GetOnlineFeatures / redis-benchmark"), text);
    assertTrue(text.contains("p50 ratio GetOnlineFeatures / health Check"), text);
    assertTrue(text.contains("entities/s") && text.contains("rows/s"), text);
  }

  private static void assertOrdered(Latencies latencies) {
    assertTrue(latencies.p50Micros() > 0, "p50 " + latencies);
    assertTrue(latencies.p50Micros() <= latencies.p90Micros()
        && latencies.p90Micros() <= latencies.p99Micros()
        && latencies.p99Micros() <= latencies.p999Micros()
        && latencies.p999Micros() <= latencies.maxMicros(), "ordered " + latencies);
  }
}
