package io.mlmesh.cli.demo;

import io.grpc.StatusRuntimeException;
import io.mlmesh.monitor.v1.ColumnDrift;
import io.mlmesh.monitor.v1.DriftWindow;
import io.mlmesh.monitor.v1.GetServedDriftRequest;
import io.mlmesh.monitor.v1.MonitorGrpc;
import io.mlmesh.monitor.v1.ServedDrift;
import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Prints the monitor's drift of the replayed traffic ({@code GetServedDrift}): per window of
 * served predictions, which columns drifted from the model's training rows and whether the
 * scores drifted from its test scores.
 */
final class ServedDriftLines {

    private static final int WINDOWS_SHOWN = 6;
    private static final long CALL_TIMEOUT_SECONDS = 30;

    private ServedDriftLines() {
    }

    static void print(MonitorGrpc.MonitorBlockingStub monitor, long version, PrintStream out) {
        ServedDrift drift;
        try {
            drift = monitor.withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .getServedDrift(GetServedDriftRequest.newBuilder()
                            .setModel(FlightsDemo.MODEL)
                            .setVersion(version)
                            .setHistoryLimit(WINDOWS_SHOWN)
                            .build());
        } catch (StatusRuntimeException e) {
            out.printf("[monitor] served drift unavailable: %s%n", e.getStatus());
            return;
        }

        out.printf("[monitor] drift of the served traffic against the training rows (the open"
                + " window, then at most %d closed ones, newest first):%n", WINDOWS_SHOWN);
        for (DriftWindow window : drift.getWindowsList()) {
            out.printf("[monitor]   %s%n", describe(window));
        }
    }

    private static String describe(DriftWindow window) {
        String bounds = String.format("%s %,d rows served %s .. %s", window.getOpen() ? "open  "
                : "closed", window.getRowCount(), instant(window.getFirstPredictionAt()
                        .getSeconds()), instant(window.getLastPredictionAt().getSeconds()));
        if (!window.getReferenceAvailable()) {
            return bounds + ": no reference (" + window.getReferenceNote() + ")";
        }
        String drifted = window.getColumnsList().stream().filter(ColumnDrift::getDrifted)
                .map(column -> String.format("%s %.3f", column.getColumn(), column.getScore()))
                .collect(Collectors.joining(", "));
        return String.format("%s: %d of %d columns drift%s, data set %s; scores %s (%.3f)",
                bounds, window.getDriftedCount(), window.getTestedCount(),
                drifted.isEmpty() ? "" : " (" + drifted + ")",
                window.getVerdict().name().replace("DRIFT_VERDICT_", "").toLowerCase(),
                window.getPrediction().getDrifted() ? "drift" : "do not drift",
                window.getPrediction().getScore());
    }

    private static String instant(long epochSeconds) {
        return Instant.ofEpochSecond(epochSeconds).toString();
    }
}
