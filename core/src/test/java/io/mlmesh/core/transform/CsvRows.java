package io.mlmesh.core.transform;

import io.mlmesh.core.data.SharedDatasets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A real table for transform tests, read as plain text: the flights sample the repository
 * carries and the credit and churn sets of the shared data sets (quoted CSV without commas
 * inside fields). An empty field or {@code NA} is missing; flights dates
 * ({@code yyyy/MM/dd HH:mm}) read as UTC times.
 */
public final class CsvRows {

    public static final Path FLIGHTS = Path.of("../data/flights-20k.csv");

    private static final DateTimeFormatter FLIGHT_DATE =
            DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");

    private final List<String> header;
    private final List<String[]> rows;

    private CsvRows(List<String> header, List<String[]> rows) {
        this.header = header;
        this.rows = rows;
    }

    public static CsvRows flights() {
        return read(FLIGHTS);
    }

    public static CsvRows churn() {
        return read(SharedDatasets.file("churn/telco_churn.csv"));
    }

    public static CsvRows credit() {
        return read(SharedDatasets.file("credit/credit_data.csv"));
    }

    static CsvRows read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String[]> rows = new ArrayList<>(lines.size());
        for (String line : lines.subList(1, lines.size())) {
            rows.add(line.replace("\"", "").split(",", -1));
        }
        return new CsvRows(List.of(lines.get(0).replace("\"", "").split(",")), rows);
    }

    /** Rows [from, to). */
    public CsvRows rows(int from, int to) {
        return new CsvRows(header, rows.subList(from, to));
    }

    /** The rows whose {@code column} text passes the test. */
    public CsvRows where(String column, Predicate<String> test) {
        int index = index(column);
        return new CsvRows(header, rows.stream().filter(row -> test.test(row[index])).toList());
    }

    public int size() {
        return rows.size();
    }

    /** Row {@code i} as the vectorizer reads rows. */
    public RowView row(int i) {
        return new Row(rows.get(i));
    }

    /** Every row, in order, as the vectorizer reads rows. */
    public List<RowView> views() {
        List<RowView> views = new ArrayList<>(rows.size());
        for (String[] row : rows) {
            views.add(new Row(row));
        }
        return views;
    }

    /** A numeric column; missing fields are NaN. */
    public double[] numbers(String column) {
        int index = index(column);
        return rows.stream().mapToDouble(row -> number(row[index])).toArray();
    }

    /** A text column; missing fields are null. */
    public List<String> texts(String column) {
        int index = index(column);
        return rows.stream().map(row -> text(row[index])).toList();
    }

    /** A flights date as microseconds since the epoch, reading it as UTC. */
    public static long flightMicros(String date) {
        return LocalDateTime.parse(date, FLIGHT_DATE).toEpochSecond(ZoneOffset.UTC)
                * 1_000_000L;
    }

    private int index(String column) {
        return header.indexOf(column);
    }

    private static double number(String field) {
        return field.isEmpty() || "NA".equals(field) ? Double.NaN : Double.parseDouble(field);
    }

    private static String text(String field) {
        return field.isEmpty() || "NA".equals(field) ? null : field;
    }

    /** One row; a column the table lacks is missing. */
    private final class Row implements RowView {

        private final String[] fields;

        Row(String[] fields) {
            this.fields = fields;
        }

        @Override
        public double number(String column) {
            int index = index(column);
            return index < 0 ? Double.NaN : CsvRows.number(fields[index]);
        }

        @Override
        public String text(String column) {
            int index = index(column);
            return index < 0 ? null : CsvRows.text(fields[index]);
        }

        @Override
        public long timeMicros(String column) {
            int index = index(column);
            return index < 0 || fields[index].isEmpty() ? MISSING_TIME
                    : flightMicros(fields[index]);
        }
    }
}
