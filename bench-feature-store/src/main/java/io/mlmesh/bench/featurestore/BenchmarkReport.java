package io.mlmesh.bench.featurestore;

import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The benchmark's figures and their text form. Latencies are in microseconds, pooled over all
 * rounds; the ratios divide the gRPC call's p99 by redis-benchmark's for the same Redis command
 * (per round, then the median), or its p50 by the health check's over the same channel, so that
 * they stay comparable between a quiet and a busy machine better than the absolute figures do.
 */
record BenchmarkReport(int processors, double loadBefore, double loadAfter, int batchEntities,
    Series health, Comparison single, Comparison batch, FeatureStoreBenchmark.LoanRows loans,
    Materialization.Result flights) {

  double singleP50OverHealth() {
    return single.pooled().latencies().p50Micros() / health.latencies().p50Micros();
  }

  double batchEntitiesPerSecond() {
    return batch.pooled().callsPerSecond() * batchEntities;
  }

  String format() {
    StringBuilder text = new StringBuilder();
    line(text, "feature store benchmark: %d CPUs, 1-minute load average %.2f before, %.2f after",
        processors, loadBefore, loadAfter);
    line(text, "");
    line(text, "gRPC health Check of the same process (the gRPC stack alone), %,d calls:",
        health.latencies().calls());
    latencies(text, health);
    line(text, "");
    line(text, "GetOnlineFeatures, 1 entity x %d features, 1 caller, %,d calls in %d rounds:",
        LendingClubView.FEATURE_COUNT, single.pooled().latencies().calls(),
        single.p99Ratios().size());
    latencies(text, single.pooled());
    line(text, "  p50 ratio GetOnlineFeatures / health Check: %.2f", singleP50OverHealth());
    redis(text, "MGET of 1 key", single);
    line(text, "");
    line(text, "GetOnlineFeatures, %d entities x %d features, 1 caller, %,d calls:",
        batchEntities, LendingClubView.FEATURE_COUNT, batch.pooled().latencies().calls());
    latencies(text, batch.pooled());
    line(text, "  throughput: %,.0f entities/s", batchEntitiesPerSecond());
    redis(text, "MGET of " + batchEntities + " keys", batch);
    line(text, "");
    line(text, "Materialize %s (%,d loans, %d features each): %,d entities written in %.2f s"
            + " (%,.0f entities/s)", LendingClubView.VIEW, loans.count(),
        LendingClubView.FEATURE_COUNT, loans.entitiesWritten(), loans.materializeSeconds(),
        loans.entitiesWritten() / loans.materializeSeconds());
    line(text, "");
    line(text, "Flights offline -> online, view %s:", Materialization.VIEW);
    line(text, "  source rows %,d, registered in %.2f s", flights.sourceRows(),
        flights.registerSeconds());
    line(text, "  apply (feature rows computed by DuckDB): %.2f s", flights.applySeconds());
    line(text, "  materialize: %,d feature rows read, %,d entities written in %.2f s"
            + " (%,.0f feature rows/s)", flights.featureRows(), flights.entitiesWritten(),
        flights.materializeSeconds(), flights.featureRowsPerSecond());
    line(text, "  materialize again: %,d entities written in %.2f s",
        flights.entitiesWrittenAgain(), flights.materializeAgainSeconds());
    line(text, "  source rows to online store (apply + materialize): %,.0f rows/s",
        flights.sourceRowsPerSecond());
    return text.toString();
  }

  private static void latencies(StringBuilder text, Series series) {
    Latencies latencies = series.latencies();
    line(text, "  p50 %.0f us, p90 %.0f us, p99 %.0f us, p99.9 %.0f us, max %.0f us;"
            + " %,.0f calls/s", latencies.p50Micros(), latencies.p90Micros(),
        latencies.p99Micros(), latencies.p999Micros(), latencies.maxMicros(),
        series.callsPerSecond());
  }

  private static void redis(StringBuilder text, String command, Comparison comparison) {
    line(text, "  redis-benchmark %s (-c 1 -P 1), median of rounds: p50 %.0f us, p99 %.0f us;"
            + " %,.0f requests/s", command, comparison.medianRedisP50Micros(),
        comparison.medianRedisP99Micros(), comparison.medianRedisRequestsPerSecond());
    line(text, "  p99 ratio GetOnlineFeatures / redis-benchmark per round: %s; median %.1f",
        comparison.p99Ratios().stream()
            .map(ratio -> String.format(Locale.ROOT, "%.1f", ratio))
            .collect(Collectors.joining(", ")),
        comparison.medianP99Ratio());
  }

  private static void line(StringBuilder text, String format, Object... arguments) {
    text.append(String.format(Locale.ROOT, format, arguments)).append('\n');
  }
}
