package io.mlmesh.monitor.feedback;

import com.google.protobuf.Timestamp;
import io.mlmesh.monitor.v1.LoggedValue;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Served flights with their true outcomes, from the real sample {@code data/flights-20k.csv}:
 * the first {@value #TRAINING_ROWS} rows "train" three simple models (the share of late
 * flights, delay over 15 minutes, per origin, per destination, and overall), the later rows are
 * scored by them as inference would have, and each row's label is whether it was late.
 */
public final class FlightOutcomes {

    /** Which model scored a served row. */
    public enum Scorer {
        ORIGIN_SHARE, DESTINATION_SHARE, BASE_RATE
    }

    /** One served flight: its features, its score under each scorer, and its true label. */
    public record Flight(String time, double distance, String origin, String destination,
            double originShare, double destinationShare, double baseRate, int label) {

        public double score(Scorer scorer) {
            return switch (scorer) {
                case ORIGIN_SHARE -> originShare;
                case DESTINATION_SHARE -> destinationShare;
                case BASE_RATE -> baseRate;
            };
        }
    }

    private static final Path CSV = Path.of("..", "data", "flights-20k.csv");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");
    private static final int TRAINING_ROWS = 10_000;
    private static final double LATE_MINUTES = 15;
    private static final double SMOOTHING_ROWS = 10;

    private FlightOutcomes() {
    }

    /** {@code count} served flights, the rows right after the training rows. */
    public static List<Flight> served(int count) {
        List<String[]> rows = read();
        Map<String, double[]> byOrigin = new HashMap<>();
        Map<String, double[]> byDestination = new HashMap<>();
        double late = 0;
        for (String[] row : rows.subList(0, TRAINING_ROWS)) {
            double label = isLate(row) ? 1 : 0;
            late += label;
            add(byOrigin, row[3], label);
            add(byDestination, row[4], label);
        }
        double baseRate = late / TRAINING_ROWS;

        return rows.subList(TRAINING_ROWS, TRAINING_ROWS + count).stream()
                .map(row -> new Flight(
                        LocalDateTime.parse(row[0], DATE).toInstant(ZoneOffset.UTC).toString(),
                        Double.parseDouble(row[2]), row[3], row[4],
                        share(byOrigin, row[3], baseRate),
                        share(byDestination, row[4], baseRate), baseRate,
                        isLate(row) ? 1 : 0))
                .toList();
    }

    /** The log entry inference-svc would have written for {@code flight}. */
    public static PredictionLogEntry entry(String requestId, String model, long version,
            String variant, Flight flight, Scorer scorer) {
        return PredictionLogEntry.newBuilder()
                .setRequestId(requestId)
                .setEndpoint(model)
                .setModel(model)
                .setVersion(version)
                .setVariant(variant)
                .putFeatures("date", LoggedValue.newBuilder().setText(flight.time()).build())
                .putFeatures("distance",
                        LoggedValue.newBuilder().setNumber(flight.distance()).build())
                .putFeatures("origin", LoggedValue.newBuilder().setText(flight.origin()).build())
                .putFeatures("destination",
                        LoggedValue.newBuilder().setText(flight.destination()).build())
                .setScore(flight.score(scorer))
                .setLatencyMicros(250)
                .setTimestamp(Timestamp.newBuilder().setSeconds(1_780_000_000L))
                .build();
    }

    private static boolean isLate(String[] row) {
        return Double.parseDouble(row[1]) > LATE_MINUTES;
    }

    private static void add(Map<String, double[]> counts, String key, double label) {
        double[] lateAndAll = counts.computeIfAbsent(key, ignored -> new double[2]);
        lateAndAll[0] += label;
        lateAndAll[1]++;
    }

    private static double share(Map<String, double[]> counts, String key, double baseRate) {
        double[] lateAndAll = counts.getOrDefault(key, new double[2]);
        return (lateAndAll[0] + baseRate * SMOOTHING_ROWS) / (lateAndAll[1] + SMOOTHING_ROWS);
    }

    private static List<String[]> read() {
        try {
            return Files.readAllLines(CSV).stream().skip(1).map(line -> line.split(",")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CSV, e);
        }
    }
}
