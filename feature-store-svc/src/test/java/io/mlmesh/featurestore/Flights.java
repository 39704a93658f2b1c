package io.mlmesh.featurestore;

import com.google.protobuf.util.Durations;
import io.mlmesh.core.data.SharedDatasets;
import io.mlmesh.featurestore.v1.Aggregation;
import io.mlmesh.featurestore.v1.AggregationFunction;
import io.mlmesh.featurestore.v1.FeatureViewSpec;
import io.mlmesh.featurestore.v1.RegisterSourceRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The flights data and the demo's feature view, shared by the integration tests. */
public final class Flights {

  public static final Path CSV = SharedDatasets.file("flights/flights-20k.csv");
  public static final Path PARQUET = SharedDatasets.file("flights/flights-3m.parquet");
  public static final long DAY_MICROS = 86_400_000_000L;

  private static final DateTimeFormatter CSV_TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");

  /** One raw row of flights-20k.csv. */
  public record Flight(long timeMicros, long delay, long distance, String origin,
      String destination) {
  }

  private Flights() {
  }

  public static RegisterSourceRequest register(String name, Path path) {
    return RegisterSourceRequest.newBuilder()
        .setName(name)
        .setPath(path.toAbsolutePath().normalize().toString())
        .setTimestampColumn("date")
        .build();
  }

  /** The demo view: per origin, 7-day flights, late share (delay > 15) and mean delay. */
  public static FeatureViewSpec.Builder originView(String name, String source) {
    return FeatureViewSpec.newBuilder()
        .setName(name)
        .setSource(source)
        .setEntityColumn("origin")
        .addAggregations(Aggregation.newBuilder().setName("flights_7d")
            .setFunction(AggregationFunction.AGGREGATION_FUNCTION_COUNT))
        .addAggregations(Aggregation.newBuilder().setName("late_share_7d")
            .setFunction(AggregationFunction.AGGREGATION_FUNCTION_SHARE_ABOVE)
            .setColumn("delay").setThreshold(15))
        .addAggregations(Aggregation.newBuilder().setName("mean_delay_7d")
            .setFunction(AggregationFunction.AGGREGATION_FUNCTION_MEAN).setColumn("delay"))
        .setWindow(Durations.fromDays(7))
        .setGranularity(Durations.fromDays(1))
        .setTtl(Durations.fromDays(1))
        .setOwner("tests");
  }

  /** Microseconds since the epoch of an ISO-8601 UTC time such as 2001-03-01T00:00:00Z. */
  public static long micros(String isoTime) {
    java.time.Instant instant = java.time.Instant.parse(isoTime);
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
  }

  /** Every row of flights-20k.csv, read with plain Java. */
  public static List<Flight> readCsv() {
    try (var lines = Files.lines(CSV)) {
      return lines.skip(1).map(Flights::parse).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Flight parse(String line) {
    String[] fields = line.split(",");
    long micros = LocalDateTime.parse(fields[0], CSV_TIME).toEpochSecond(ZoneOffset.UTC)
        * 1_000_000L;
    return new Flight(micros, Long.parseLong(fields[1]), Long.parseLong(fields[2]), fields[3],
        fields[4]);
  }
}
