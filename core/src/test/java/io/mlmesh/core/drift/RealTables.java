package io.mlmesh.core.drift;

import io.mlmesh.core.data.SharedDatasets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The real tables the drift tests run on, read as plain text: the flights sample of the
 * repository and the telco churn set of the shared data sets (quoted CSV without commas inside
 * fields, {@code NA} for a missing number).
 */
final class RealTables {

    static final Path FLIGHTS = Path.of("../data/flights-20k.csv");
    static final Path CHURN = SharedDatasets.file("churn/telco_churn.csv");

    private final List<String> header;
    private final List<String[]> rows;

    private RealTables(List<String> header, List<String[]> rows) {
        this.header = header;
        this.rows = rows;
    }

    static RealTables read(Path csv) {
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
        return new RealTables(List.of(lines.get(0).replace("\"", "").split(",")), rows);
    }

    /** The rows whose {@code column} passes the test. */
    RealTables where(String column, Predicate<String> test) {
        int index = index(column);
        return new RealTables(header, rows.stream().filter(row -> test.test(row[index]))
                .toList());
    }

    /** Rows [from, to). */
    RealTables rows(int from, int to) {
        return new RealTables(header, rows.subList(from, to));
    }

    int size() {
        return rows.size();
    }

    /** A numeric column; {@code NA} and empty fields are NaN. */
    double[] numbers(String column) {
        int index = index(column);
        return rows.stream().map(row -> row[index])
                .mapToDouble(text -> text.isEmpty() || "NA".equals(text) ? Double.NaN
                        : Double.parseDouble(text))
                .toArray();
    }

    List<String> texts(String column) {
        int index = index(column);
        return rows.stream().map(row -> row[index]).toList();
    }

    /** The hour of day of a flights date ({@code yyyy/MM/dd HH:mm}). */
    double[] hours(String column) {
        return texts(column).stream().mapToDouble(date -> Integer.parseInt(date.substring(11,
                13))).toArray();
    }

    static Predicate<String> inMonths(String... months) {
        return date -> List.of(months).contains(date.substring(5, 7));
    }

    private int index(String column) {
        int index = header.indexOf(column);
        if (index < 0) {
            throw new IllegalArgumentException("no column " + column + " in " + header);
        }
        return index;
    }
}
