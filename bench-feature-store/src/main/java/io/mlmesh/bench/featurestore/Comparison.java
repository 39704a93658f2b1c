package io.mlmesh.bench.featurestore;

import java.util.ArrayList;
import java.util.List;

/**
 * One kind of online read measured in rounds, each round right before redis-benchmark sending
 * the same Redis command. On a machine shared with other work the load changes from second to
 * second, so a ratio is taken per round, between figures measured moments apart, and the
 * median of the rounds' ratios is the figure to compare between runs. Not thread-safe.
 */
final class Comparison {

  private Series pooled = Series.empty();
  private final List<RedisBenchmark.Result> redisRounds = new ArrayList<>();
  private final List<Double> p99Ratios = new ArrayList<>();

  /** Adds one round: the gRPC series and redis-benchmark's run right after it. */
  void add(Series round, RedisBenchmark.Result redis) {
    pooled = pooled.plus(round);
    redisRounds.add(redis);
    p99Ratios.add(round.latencies().p99Micros() / redis.p99Micros());
  }

  /** Every round's calls together. */
  Series pooled() {
    return pooled;
  }

  /** Per round: the gRPC call's p99 over redis-benchmark's, in round order. */
  List<Double> p99Ratios() {
    return List.copyOf(p99Ratios);
  }

  double medianP99Ratio() {
    return median(p99Ratios);
  }

  double medianRedisP50Micros() {
    return median(redisRounds.stream().map(RedisBenchmark.Result::p50Micros).toList());
  }

  double medianRedisP99Micros() {
    return median(redisRounds.stream().map(RedisBenchmark.Result::p99Micros).toList());
  }

  double medianRedisRequestsPerSecond() {
    return median(redisRounds.stream().map(RedisBenchmark.Result::requestsPerSecond).toList());
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
