package io.mlmesh.bench.featurestore;

import org.HdrHistogram.Histogram;

/**
 * Latencies of a series of calls made one after another, in nanoseconds, with the wall time the
 * series took; series of the same kind of call add up into one.
 *
 * @param nanos owned by this series: never changed after construction
 */
record Series(Histogram nanos, double elapsedSeconds) {

  /** A histogram for latencies from 1 ns up to one minute, three significant digits. */
  static Histogram newHistogram() {
    return new Histogram(60_000_000_000L, 3);
  }

  static Series empty() {
    return new Series(newHistogram(), 0);
  }

  Latencies latencies() {
    return Latencies.of(nanos);
  }

  double callsPerSecond() {
    return nanos.getTotalCount() / elapsedSeconds;
  }

  Series plus(Series other) {
    Histogram sum = nanos.copy();
    sum.add(other.nanos);
    return new Series(sum, elapsedSeconds + other.elapsedSeconds);
  }
}
