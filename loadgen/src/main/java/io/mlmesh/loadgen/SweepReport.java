package io.mlmesh.loadgen;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A sweep's steps as a table for people, and as CSV or JSON for scripts (the JSON is what
 * {@code loadgen summary} reads).
 */
final class SweepReport {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final String[] COLUMNS = {"concurrency", "req/s", "p50_us", "p90_us",
        "p95_us", "p99_us", "failed", "queue_us", "compute_us", "rows/batch", "batch_us",
        "cpu_us/req", "inproc_batch_us", "inproc/server", "x_baseline"};

    private SweepReport() {
    }

    static void printTable(String title, List<StepResult> steps, PrintStream out) {
        out.println(title);
        if (!steps.isEmpty()) {
            StepResult first = steps.get(0);
            out.printf(Locale.ROOT, "%d row(s) per request, request %d B, answer %d B%n",
                    first.batchRows(), first.requestBytes(), first.responseBytes());
        }
        StringBuilder header = new StringBuilder();
        for (String column : COLUMNS) {
            header.append(String.format(Locale.ROOT, "%16s", column));
        }
        out.println(header);
        for (StepResult step : steps) {
            StringBuilder line = new StringBuilder();
            for (String cell : cellsOf(step, "-")) {
                line.append(String.format(Locale.ROOT, "%16s", cell));
            }
            out.println(line);
            if (step.failures() > 0) {
                out.println("  failures: " + step.failureCodes());
            }
        }
    }

    static void writeCsv(List<StepResult> steps, Path file) {
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", COLUMNS));
        for (StepResult step : steps) {
            lines.add(String.join(",", cellsOf(step, "")));
        }
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static void writeJson(List<StepResult> steps, Path file) {
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), steps);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static List<StepResult> readJson(Path file) {
        try {
            return JSON.readValue(file.toFile(), new TypeReference<List<StepResult>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a sweep from " + file, e);
        }
    }

    /** The step's cells; {@code missing} stands for an unknown figure. */
    private static List<String> cellsOf(StepResult step, String missing) {
        return List.of(
                Integer.toString(step.concurrency()),
                number(step.requestsPerSecond(), 0, missing),
                number(step.p50Micros(), 0, missing),
                number(step.p90Micros(), 0, missing),
                number(step.p95Micros(), 0, missing),
                number(step.p99Micros(), 0, missing),
                Long.toString(step.failures()),
                number(step.serverQueueMicros(), 0, missing),
                number(step.serverComputeMicros(), 1, missing),
                number(step.serverRowsPerBatch(), 2, missing),
                number(step.serverMicrosPerBatch(), 1, missing),
                number(step.serverCpuMicrosPerRequest(), 0, missing),
                number(step.inProcessMicrosPerBatch(), 1, missing),
                number(step.computeRatio(), 2, missing),
                number(step.baselineRatio(), 2, missing));
    }

    private static String number(Double value, int decimals, String missing) {
        if (value == null || value.isNaN()) {
            return missing;
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
