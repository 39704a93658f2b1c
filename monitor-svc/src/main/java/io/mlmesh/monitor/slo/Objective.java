package io.mlmesh.monitor.slo;

import io.mlmesh.monitor.store.Operation;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A service-level objective of one RPC: over the last {@code window}, its 99th percentile
 * latency stays at or below {@code p99Millis} and its error rate at or below {@code errorRate}.
 * Fewer than {@code minCalls} calls in the window are not judged.
 *
 * @param operation the service and span name (for gRPC servers the full method name)
 * @param p99Millis the highest acceptable 99th percentile latency in milliseconds, positive
 * @param errorRate the highest acceptable share of failed calls, in [0, 1]
 * @param window how far back calls count, from one second to one day
 * @param minCalls calls the window must hold before the objective is judged, at least 1
 */
public record Objective(
        Operation operation,
        double p99Millis,
        double errorRate,
        Duration window,
        int minCalls) {

    private static final Duration MAX_WINDOW = Duration.ofDays(1);

    public Objective {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(window, "window");
        if (!(p99Millis > 0) || Double.isInfinite(p99Millis)) {
            throw new IllegalArgumentException("p99-millis must be a positive number, got "
                    + p99Millis);
        }
        if (!(errorRate >= 0 && errorRate <= 1)) {
            throw new IllegalArgumentException("error-rate must lie in [0, 1], got " + errorRate);
        }
        if (window.toSeconds() < 1 || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("window-seconds must lie in [1, 86400], got "
                    + window.toSeconds());
        }
        if (minCalls < 1) {
            throw new IllegalArgumentException("min-calls must be at least 1, got " + minCalls);
        }
    }

    /** {@code <service>:<operation>}, the objective's name in alerts and logs. */
    public String name() {
        return operation.service() + ":" + operation.name();
    }

    /**
     * Parses {@code <service>:<operation>:p99-millis=<ms>:error-rate=<share>} with optional
     * {@code :window-seconds=<s>} (default 60) and {@code :min-calls=<n>} (default
     * {@code defaultMinCalls}).
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static Objective parse(String entry, int defaultMinCalls) {
        String[] parts = entry.strip().split(":");
        if (parts.length < 3 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new IllegalArgumentException("expected <service>:<operation>:p99-millis=<ms>"
                    + ":error-rate=<share>[:window-seconds=<s>][:min-calls=<n>]");
        }

        Map<String, String> settings = settings(parts);
        requireKey(settings, "p99-millis");
        requireKey(settings, "error-rate");
        return new Objective(new Operation(parts[0].strip(), parts[1].strip()),
                number(settings, "p99-millis"),
                number(settings, "error-rate"),
                Duration.ofSeconds(integer(settings, "window-seconds", 60)),
                (int) integer(settings, "min-calls", defaultMinCalls));
    }

    private static Map<String, String> settings(String[] parts) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 2; i < parts.length; i++) {
            String[] keyValue = parts[i].split("=", 2);
            String key = keyValue[0].strip();
            if (keyValue.length != 2 || !isKnown(key)) {
                throw new IllegalArgumentException("unknown setting '" + parts[i] + "' (known:"
                        + " p99-millis, error-rate, window-seconds, min-calls)");
            }
            if (settings.put(key, keyValue[1].strip()) != null) {
                throw new IllegalArgumentException(key + " given twice");
            }
        }
        return settings;
    }

    private static boolean isKnown(String key) {
        return switch (key) {
            case "p99-millis", "error-rate", "window-seconds", "min-calls" -> true;
            default -> false;
        };
    }

    private static void requireKey(Map<String, String> settings, String key) {
        if (!settings.containsKey(key)) {
            throw new IllegalArgumentException(key + " is missing");
        }
    }

    private static double number(Map<String, String> settings, String key) {
        String text = settings.get(key);
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + text + "'", e);
        }
    }

    private static long integer(Map<String, String> settings, String key, long fallback) {
        String text = settings.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Math.toIntExact(Long.parseLong(text));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + text
                    + "'", e);
        }
    }
}
