package io.mlmesh.featurestore;

import io.mlmesh.featurestore.Flights.Flight;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The flights view's features recomputed in plain Java from raw rows, following the contract
 * literally: the feature row at t aggregates the origin's flights in [t - 7 days, t), exists only
 * when there is at least one, and a training row at x takes the newest feature row at t <= x
 * unless x - t > ttl.
 */
public final class FeatureReference {

  private static final long WINDOW_MICROS = 7 * Flights.DAY_MICROS;

  private final Map<String, List<Flight>> byOrigin;

  public FeatureReference(List<Flight> flights) {
    byOrigin = flights.stream()
        .sorted(Comparator.comparingLong(Flight::timeMicros))
        .collect(Collectors.groupingBy(Flight::origin, Collectors.toCollection(ArrayList::new)));
  }

  /** flights_7d, late_share_7d, mean_delay_7d for a row of {@code origin} at {@code rowMicros}. */
  public double[] features(String origin, long rowMicros, long ttlMicros) {
    long first = Math.floorDiv(rowMicros, Flights.DAY_MICROS) * Flights.DAY_MICROS;
    for (long t = first; rowMicros - t <= ttlMicros; t -= Flights.DAY_MICROS) {
      List<Flight> window = window(origin, t - WINDOW_MICROS, t);
      if (!window.isEmpty()) {
        return aggregate(window);
      }
    }
    double[] missing = new double[3];
    Arrays.fill(missing, Double.NaN);
    return missing;
  }

  /** The origin's flights with time in [fromMicros, toMicros). */
  public List<Flight> window(String origin, long fromMicros, long toMicros) {
    return byOrigin.getOrDefault(origin, List.of()).stream()
        .filter(flight -> flight.timeMicros() >= fromMicros && flight.timeMicros() < toMicros)
        .toList();
  }

  private static double[] aggregate(List<Flight> window) {
    long late = window.stream().filter(flight -> flight.delay() > 15).count();
    long delaySum = window.stream().mapToLong(Flight::delay).sum();
    return new double[] {window.size(), (double) late / window.size(),
        (double) delaySum / window.size()};
  }
}
