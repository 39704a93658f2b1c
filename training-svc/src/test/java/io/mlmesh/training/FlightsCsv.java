package io.mlmesh.training;

import io.mlmesh.featurestore.v1.Column;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.FeatureViewSpec;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.mlmesh.featurestore.v1.TrainingSetHeader;
import io.mlmesh.featurestore.v1.TrainingSetSummary;
import io.mlmesh.training.data.TrainingSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real flights sample ({@code data/flights-20k.csv}: date, delay, distance, origin,
 * destination) as rows and as column batches shaped like the feature store's, with one joined
 * feature: the origin's share of late flights (delay over 15) among its earlier flights, NaN
 * before its first one.
 */
public final class FlightsCsv {

    /** The sample, relative to the module folder where tests run. */
    public static final Path FILE = Path.of("..", "data", "flights-20k.csv");
    public static final String VIEW = "origin_stats";
    public static final String FEATURE = "late_share";
    public static final String FEATURE_COLUMN = VIEW + "__" + FEATURE;
    public static final double LATE_MINUTES = 15;

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");

    private FlightsCsv() {
    }

    /**
     * One flight.
     *
     * @param line the CSV line, hashed into content digests
     * @param timeMicros departure time, microseconds since the epoch (the file's local time
     *     read as UTC)
     * @param originLateShare the joined feature
     */
    public record Flight(String line, long timeMicros, double delay, double distance,
            String origin, String destination, double originLateShare) {
    }

    /** Every flight of the sample, in file (time) order. */
    public static List<Flight> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(FILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, int[]> lateAndTotalByOrigin = new HashMap<>();
        List<Flight> flights = new ArrayList<>(lines.size());
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            double delay = Double.parseDouble(fields[1]);
            int[] counts = lateAndTotalByOrigin.computeIfAbsent(fields[3], key -> new int[2]);
            double share = counts[1] == 0 ? Double.NaN : (double) counts[0] / counts[1];
            flights.add(new Flight(line, micros(fields[0]), delay,
                    Double.parseDouble(fields[2]), fields[3], fields[4], share));
            counts[0] += delay > LATE_MINUTES ? 1 : 0;
            counts[1]++;
        }
        return flights;
    }

    /** The header the feature store sends for these columns and the joined view. */
    public static TrainingSetHeader header(int viewVersion) {
        return TrainingSetHeader.newBuilder()
                .addColumns(schema("date", ColumnType.COLUMN_TYPE_TIMESTAMP))
                .addColumns(schema("delay", ColumnType.COLUMN_TYPE_INT64))
                .addColumns(schema("distance", ColumnType.COLUMN_TYPE_INT64))
                .addColumns(schema("origin", ColumnType.COLUMN_TYPE_STRING))
                .addColumns(schema("destination", ColumnType.COLUMN_TYPE_STRING))
                .addColumns(schema(FEATURE_COLUMN, ColumnType.COLUMN_TYPE_DOUBLE))
                .setSource(DatasetVersion.newBuilder()
                        .setName("flights").setContentSha256("source-digest"))
                .addViews(FeatureView.newBuilder()
                        .setSpec(FeatureViewSpec.newBuilder()
                                .setName(VIEW).setSource("flights").setEntityColumn("origin"))
                        .setVersion(viewVersion)
                        .addFeatureNames(FEATURE))
                .build();
    }

    /** The flights as column batches of at most {@code batchRows} rows. */
    public static List<TrainingSetChunk> batches(List<Flight> flights, int batchRows) {
        List<TrainingSetChunk> batches = new ArrayList<>();
        for (int start = 0; start < flights.size(); start += batchRows) {
            batches.add(batch(flights.subList(start, Math.min(flights.size(),
                    start + batchRows))));
        }
        return batches;
    }

    /** The flights as a training set, as the reader would collect it. */
    public static TrainingSet trainingSet(List<Flight> flights) {
        return new TrainingSet(header(1), batches(flights, 4096),
                TrainingSetSummary.newBuilder().setRowCount(flights.size())
                        .setContentSha256("digest").build());
    }

    private static TrainingSetChunk batch(List<Flight> flights) {
        Column.Builder date = column("date", ColumnType.COLUMN_TYPE_TIMESTAMP);
        Column.Builder delay = column("delay", ColumnType.COLUMN_TYPE_INT64);
        Column.Builder distance = column("distance", ColumnType.COLUMN_TYPE_INT64);
        Column.Builder origin = column("origin", ColumnType.COLUMN_TYPE_STRING);
        Column.Builder destination = column("destination", ColumnType.COLUMN_TYPE_STRING);
        Column.Builder share = column(FEATURE_COLUMN, ColumnType.COLUMN_TYPE_DOUBLE);
        for (Flight flight : flights) {
            date.addTimestampsMicros(flight.timeMicros());
            delay.addDoubles(flight.delay());
            distance.addDoubles(flight.distance());
            origin.addStrings(flight.origin());
            destination.addStrings(flight.destination());
            share.addDoubles(flight.originLateShare());
        }
        return TrainingSetChunk.newBuilder()
                .addColumns(date).addColumns(delay).addColumns(distance)
                .addColumns(origin).addColumns(destination).addColumns(share)
                .setRowCount(flights.size())
                .build();
    }

    private static Column.Builder column(String name, ColumnType type) {
        return Column.newBuilder().setName(name).setType(type);
    }

    private static ColumnSchema schema(String name, ColumnType type) {
        return ColumnSchema.newBuilder().setName(name).setType(type).build();
    }

    private static long micros(String date) {
        return LocalDateTime.parse(date, DATE).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
    }
}
