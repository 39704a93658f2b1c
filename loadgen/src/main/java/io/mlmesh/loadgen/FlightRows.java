package io.mlmesh.loadgen;

import io.mlmesh.core.transform.RowView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Real flights read from the flights CSV ({@code date,delay,distance,origin,destination}, dates
 * as {@code 2001/01/01 00:47}): the shared {@code flights/flights-20k.csv} or the copy the
 * repository carries in {@code data/}.
 */
final class FlightRows {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");

    /**
     * One flight.
     *
     * @param dateMicros local departure time as microseconds since the epoch
     * @param delay arrival delay in minutes, negative when early
     * @param distance miles
     */
    record Flight(long dateMicros, double delay, double distance, String origin,
            String destination) {

        boolean late() {
            return delay > 15;
        }

        /** The flight as a row, with its origin's aggregates as numeric columns. */
        RowView row(Map<String, Double> originAggregates) {
            return new RowView() {
                @Override
                public double number(String column) {
                    if (column.equals("distance")) {
                        return distance;
                    }
                    return originAggregates.getOrDefault(column, Double.NaN);
                }

                @Override
                public String text(String column) {
                    return switch (column) {
                        case "origin" -> origin;
                        case "destination" -> destination;
                        default -> null;
                    };
                }

                @Override
                public long timeMicros(String column) {
                    return column.equals("date") ? dateMicros : MISSING_TIME;
                }
            };
        }
    }

    private FlightRows() {
    }

    /** The first {@code limit} flights of the file, in file order. */
    static List<Flight> read(Path csv, int limit) {
        try (Stream<String> lines = Files.lines(csv)) {
            return lines.skip(1).limit(limit).map(FlightRows::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read flights from " + csv, e);
        }
    }

    private static Flight parse(String line) {
        String[] columns = line.split(",");
        if (columns.length != 5) {
            throw new IllegalArgumentException("flights line has " + columns.length
                    + " columns, expected date,delay,distance,origin,destination: " + line);
        }
        long seconds = LocalDateTime.parse(columns[0], DATE).toEpochSecond(ZoneOffset.UTC);
        return new Flight(seconds * 1_000_000L, Double.parseDouble(columns[1]),
                Double.parseDouble(columns[2]), columns[3], columns[4]);
    }
}
