package io.mlmesh.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Model inputs as a plain text file, one row per line, values separated by commas ({@code NaN}
 * for a missing value): what ties the load generator to no model family. Any model's rows can
 * be written this way; {@code loadgen prepare} writes the flights GBDT's.
 */
final class InputVectors {

    private InputVectors() {
    }

    static void write(List<float[]> vectors, Path file) {
        List<String> lines = vectors.stream()
                .map(vector -> IntStream.range(0, vector.length)
                        .mapToObj(i -> Float.toString(vector[i]))
                        .collect(Collectors.joining(",")))
                .toList();
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Reads every row; all rows must have the same width.
     *
     * @throws IllegalArgumentException naming the line that is empty, not a number or of
     *     another width
     */
    static List<float[]> read(Path file) {
        List<float[]> vectors = new ArrayList<>();
        try (Stream<String> lines = Files.lines(file)) {
            lines.forEach(line -> vectors.add(parse(line, vectors.size() + 1, file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (vectors.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no input rows");
        }
        int width = vectors.get(0).length;
        for (int i = 0; i < vectors.size(); i++) {
            if (vectors.get(i).length != width) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " has "
                        + vectors.get(i).length + " values, line 1 has " + width);
            }
        }
        return vectors;
    }

    private static float[] parse(String line, int lineNumber, Path file) {
        String[] values = line.split(",");
        float[] vector = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            try {
                vector[i] = Float.parseFloat(values[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + lineNumber + " value "
                        + (i + 1) + " is not a number: '" + values[i] + "'", e);
            }
        }
        return vector;
    }
}
