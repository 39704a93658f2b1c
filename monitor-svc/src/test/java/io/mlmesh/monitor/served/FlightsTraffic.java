package io.mlmesh.monitor.served;

import com.google.protobuf.Timestamp;
import io.mlmesh.core.drift.CategoricalValues;
import io.mlmesh.core.drift.DriftSettings;
import io.mlmesh.core.drift.FeatureValues;
import io.mlmesh.core.drift.ModelReference;
import io.mlmesh.core.drift.NumericProfile;
import io.mlmesh.core.drift.NumericValues;
import io.mlmesh.core.drift.ReferenceProfile;
import io.mlmesh.core.drift.ValueReading;
import io.mlmesh.monitor.v1.LoggedValue;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real flights traffic from the repository's sample ({@code data/flights-20k.csv}, January to
 * March 2001) with the columns of a small delay model: the departure time (read as its hour),
 * the distance, the weekday, and {@code late_share_7d}, the share of all flights in the sample
 * that left more than 15 minutes late during the 7 days before the flight. The late share
 * moves between months (January about 19 %, February about 22 % in this sample), so that
 * feature drifts from January to February while the others do not. The model's score is the
 * feature itself: a naive model that predicts the recent late share.
 */
final class FlightsTraffic {

    static final String LATE_SHARE = "late_share_7d";

    private static final Path CSV = Path.of("..", "data", "flights-20k.csv");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");
    private static final double LATE_MINUTES = 15;
    private static final Duration LOOKBACK = Duration.ofDays(7);
    private static final int INTERLEAVE = 7;

    /** One flight with its features. */
    record Flight(Instant time, double distance, String weekday, double lateShare) {
    }

    private FlightsTraffic() {
    }

    /** Every flight of the month (1 to 3) from its given day on, in time order. */
    static List<Flight> month(int month, int fromDay) {
        return read().stream()
                .filter(flight -> flight.time().atZone(ZoneOffset.UTC).getMonthValue() == month
                        && flight.time().atZone(ZoneOffset.UTC).getDayOfMonth() >= fromDay)
                .toList();
    }

    /**
     * The flights as served traffic: every {@value #INTERLEAVE}th flight first, then the next
     * offset, so that any run of a thousand covers the whole month.
     */
    static List<Flight> interleaved(List<Flight> flights) {
        List<Flight> order = new ArrayList<>(flights.size());
        for (int offset = 0; offset < INTERLEAVE; offset++) {
            for (int i = offset; i < flights.size(); i += INTERLEAVE) {
                order.add(flights.get(i));
            }
        }
        return order;
    }

    /** The reference a training run on these flights stores: columns and scores. */
    static ModelReference reference(List<Flight> training) {
        DriftSettings settings = DriftSettings.defaults();
        Map<String, FeatureValues> columns = new LinkedHashMap<>();
        columns.put("date", NumericValues.of(training.stream()
                .mapToDouble(flight -> flight.time().atZone(ZoneOffset.UTC).getHour())
                .toArray()));
        columns.put("distance", NumericValues.of(training.stream()
                .mapToDouble(Flight::distance).toArray()));
        columns.put("weekday", CategoricalValues.of(training.stream().map(Flight::weekday)
                .toList()));
        columns.put(LATE_SHARE, NumericValues.of(training.stream()
                .mapToDouble(Flight::lateShare).toArray()));
        Map<String, ValueReading> readings = Map.of("date", ValueReading.HOUR_OF_DAY,
                "distance", ValueReading.NUMBER, "weekday", ValueReading.TEXT, LATE_SHARE,
                ValueReading.NUMBER);
        return new ModelReference(ReferenceProfile.of(training.size(), columns, settings),
                readings, NumericProfile.of("prediction", NumericValues.of(training.stream()
                        .mapToDouble(Flight::lateShare).toArray()), settings), "test");
    }

    /**
     * The log entry inference-svc writes for a served flight, stamped with the flight's time;
     * without the distance when {@code dropDistance} (a field the client did not send).
     */
    static PredictionLogEntry entry(String requestId, String model, long version, Flight flight,
            boolean dropDistance) {
        PredictionLogEntry.Builder entry = PredictionLogEntry.newBuilder()
                .setRequestId(requestId)
                .setEndpoint(model)
                .setModel(model)
                .setVersion(version)
                .setVariant("default")
                .putFeatures("date", LoggedValue.newBuilder()
                        .setText(flight.time().toString()).build())
                .putFeatures("weekday", LoggedValue.newBuilder().setText(flight.weekday())
                        .build())
                .putFeatures(LATE_SHARE, LoggedValue.newBuilder().setNumber(flight.lateShare())
                        .build())
                .setScore(flight.lateShare())
                .setLatencyMicros(300)
                .setTimestamp(Timestamp.newBuilder().setSeconds(flight.time().getEpochSecond()));
        if (!dropDistance) {
            entry.putFeatures("distance", LoggedValue.newBuilder().setNumber(flight.distance())
                    .build());
        }
        return entry.build();
    }

    private static List<Flight> read() {
        List<String[]> rows = lines().stream().skip(1).map(line -> line.split(","))
                .sorted(Comparator.comparing(row -> timeOf(row[0])))
                .toList();
        List<Instant> times = rows.stream().map(row -> timeOf(row[0])).toList();
        int[] lateBefore = new int[rows.size() + 1];
        for (int i = 0; i < rows.size(); i++) {
            lateBefore[i + 1] = lateBefore[i]
                    + (Double.parseDouble(rows.get(i)[1]) > LATE_MINUTES ? 1 : 0);
        }

        List<Flight> flights = new ArrayList<>(rows.size());
        int windowStart = 0;
        int windowEnd = 0;
        for (int i = 0; i < rows.size(); i++) {
            Instant time = times.get(i);
            while (times.get(windowStart).isBefore(time.minus(LOOKBACK))) {
                windowStart++;
            }
            while (times.get(windowEnd).isBefore(time)) {
                windowEnd++;
            }
            int count = windowEnd - windowStart;
            double share = count == 0 ? Double.NaN
                    : (double) (lateBefore[windowEnd] - lateBefore[windowStart]) / count;
            flights.add(new Flight(time, Double.parseDouble(rows.get(i)[2]),
                    time.atZone(ZoneOffset.UTC).getDayOfWeek().name(), share));
        }
        return flights;
    }

    private static Instant timeOf(String date) {
        return LocalDateTime.parse(date, DATE).toInstant(ZoneOffset.UTC);
    }

    private static List<String> lines() {
        try {
            return Files.readAllLines(CSV);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CSV, e);
        }
    }
}
