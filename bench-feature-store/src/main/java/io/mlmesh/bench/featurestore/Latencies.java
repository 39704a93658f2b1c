package io.mlmesh.bench.featurestore;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of call latencies in microseconds, read from a histogram of nanoseconds with
 * three significant digits (so every figure is within 0.1 % of the exact one).
 */
record Latencies(long calls, double p50Micros, double p90Micros, double p99Micros,
    double p999Micros, double maxMicros) {

  static Latencies of(Histogram nanos) {
    return new Latencies(nanos.getTotalCount(),
        micros(nanos.getValueAtPercentile(50)),
        micros(nanos.getValueAtPercentile(90)),
        micros(nanos.getValueAtPercentile(99)),
        micros(nanos.getValueAtPercentile(99.9)),
        micros(nanos.getMaxValue()));
  }

  private static double micros(long nanos) {
    return nanos / 1000.0;
  }
}
