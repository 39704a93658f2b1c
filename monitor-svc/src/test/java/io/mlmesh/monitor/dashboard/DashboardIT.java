package io.mlmesh.monitor.dashboard;

import static io.mlmesh.monitor.dashboard.DashboardProfile.CHECKOUT;
import static io.mlmesh.monitor.dashboard.DashboardProfile.LEDGER;
import static io.mlmesh.monitor.dashboard.DashboardProfile.MODEL;
import static io.mlmesh.monitor.dashboard.DashboardProfile.PAY;
import static io.mlmesh.monitor.dashboard.DashboardProfile.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.mlmesh.core.metrics.BinaryMetrics;
import io.mlmesh.monitor.feedback.FeedbackLoop;
import io.mlmesh.monitor.feedback.FlightOutcomes;
import io.mlmesh.monitor.feedback.FlightOutcomes.Flight;
import io.mlmesh.monitor.feedback.FlightOutcomes.Scorer;
import io.mlmesh.monitor.grpc.SpanExports;
import io.mlmesh.monitor.v1.MonitorGrpc;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import io.mlmesh.monitor.v1.RecordOutcomeRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard page in a real headless Chromium against the running monitor fed with real
 * traffic: spans of two services through the OpenTelemetry SDK's OTLP/gRPC exporter (one
 * service slow enough to break its objective), prediction log entries of two variants appended
 * to the Redis stream as inference-svc writes them, and their outcomes recorded over gRPC, all
 * from real flights rows ({@link FlightOutcomes}). The test waits until the page has drawn every
 * chart with the expected series, then checks the series names, that each canvas drew lines in
 * its series' colours (every series where the lines lie apart), the open alert's row, and the
 * live AUC against core's metrics.
 */
@QuarkusTest
@TestProfile(DashboardProfile.class)
class DashboardIT {

    private static final long WAIT_SECONDS = 30;
    private static final int EXPORT_ROUNDS = 3;
    private static final int SPANS_PER_ROUND = 20;
    private static final long SLOW_MICROS = 120_000;
    private static final long FAST_MICROS = 5_000;
    private static final int SERVED_FLIGHTS = 400;
    private static final List<String> SERVICES = List.of(CHECKOUT, LEDGER);
    private static final List<String> VARIANTS = List.of(MODEL + " v1 a", MODEL + " v1 b");
    private static final Map<String, List<String>> SERIES_BY_CHART = Map.of(
            "latency-p50", SERVICES, "latency-p95", SERVICES, "latency-p99", SERVICES,
            "error-rate", SERVICES, "span-rate", SERVICES,
            "quality-auc", VARIANTS, "quality-accuracy", VARIANTS, "quality-log-loss", VARIANTS,
            "alerts-open", List.of(AlertFigures.SERIES));
    /**
     * Charts whose series lie apart, so that no line hides another's pixels; live quality of
     * the two variants is close on these flights (AUC near 0.5 for both), so lines may overlap.
     */
    private static final List<String> APART_CHARTS =
            List.of("latency-p50", "latency-p99", "error-rate", "alerts-open");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * What the page shows, read in one script (the page replaces its alert rows at every
     * refresh): per chart its series names and non-null points from the element's data
     * attributes and how many canvas pixels have each series' colour; the alert rows' cells;
     * whether the status line reports a failed fetch.
     */
    private static final String READ_PAGE = """
            const charts = {};
            document.querySelectorAll('figure.chart').forEach((figure) => {
              const colours = JSON.parse(figure.dataset.seriesColours || '[]')
                .map((hex) => [1, 3, 5].map((at) => parseInt(hex.substring(at, at + 2), 16)));
              const pixelsBySeries = colours.map(() => 0);
              const canvas = figure.querySelector('canvas');
              if (canvas && canvas.width > 0 && canvas.height > 0) {
                const pixels = canvas.getContext('2d')
                  .getImageData(0, 0, canvas.width, canvas.height).data;
                for (let at = 0; at < pixels.length; at += 4) {
                  colours.forEach((rgb, series) => {
                    if (pixels[at + 3] > 200 && Math.abs(pixels[at] - rgb[0]) < 8
                        && Math.abs(pixels[at + 1] - rgb[1]) < 8
                        && Math.abs(pixels[at + 2] - rgb[2]) < 8) {
                      pixelsBySeries[series]++;
                    }
                  });
                }
              }
              charts[figure.dataset.chartId] = {
                series: JSON.parse(figure.dataset.series || '[]'),
                pointsBySeries: JSON.parse(figure.dataset.seriesPoints || '{}'),
                pixelsBySeries: pixelsBySeries,
              };
            });
            const alerts = Array.from(document.querySelectorAll('tr.alert-row')).map((row) =>
              Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent));
            const failed = document.getElementById('status').classList.contains('failed');
            return JSON.stringify({ charts: charts, alerts: alerts, failed: failed });
            """;

    private static RedisClient redis;
    private static StatefulRedisConnection<String, byte[]> connection;
    private static RedisCommands<String, byte[]> commands;

    @TestHTTPResource("/")
    URL serviceUrl;

    @Inject
    FeedbackLoop feedback;

    @BeforeAll
    static void connectRedis() {
        redis = RedisClient.create(DashboardProfile.REDIS_URL);
        connection = redis.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        commands = connection.sync();
    }

    @AfterAll
    static void deleteKeysAndDisconnect() {
        KeyScanArgs matching = KeyScanArgs.Builder.matches(DashboardProfile.PREFIX + "*");
        KeyScanCursor<String> cursor = commands.scan(matching);
        while (true) {
            if (!cursor.getKeys().isEmpty()) {
                commands.del(cursor.getKeys().toArray(String[]::new));
            }
            if (cursor.isFinished()) {
                break;
            }
            cursor = commands.scan(ScanCursor.of(cursor.getCursor()), matching);
        }
        connection.close();
        redis.shutdown();
    }

    @Test
    void page_realTrafficOutcomesAndBrokenObjective_drawsEveryChartWithItsSeries()
            throws Exception {
        exportSpans();
        Map<String, Double> expectedAuc = serveAndRecordOutcomes();
        awaitLatestAuc(expectedAuc);

        ChromeDriver browser = HeadlessChromium.start();
        try {
            browser.get(serviceUrl + "dashboard");
            JsonNode page = awaitDrawn(browser);

            JsonNode charts = page.get("charts");
            SERIES_BY_CHART.forEach((chart, series) -> {
                assertEquals(series, names(charts.get(chart)), chart);
                assertTrue(colouredPixels(charts.get(chart)).stream().anyMatch(count -> count > 0),
                        chart + ": no line drawn");
            });
            for (String chart : APART_CHARTS) {
                assertTrue(colouredPixels(charts.get(chart)).stream().allMatch(count -> count > 0),
                        chart + ": a series drew no pixels of its colour");
            }
            assertAlertRow(page.get("alerts"));
            assertFalse(page.get("failed").asBoolean());
        } finally {
            browser.quit();
        }
    }

    private void exportSpans() throws InterruptedException {
        for (int round = 0; round < EXPORT_ROUNDS; round++) {
            List<SpanData> spans = new ArrayList<>();
            spans.addAll(spans(CHECKOUT, PAY, SLOW_MICROS, SPANS_PER_ROUND / 10));
            spans.addAll(spans(LEDGER, WRITE, FAST_MICROS, 0));
            export(spans);
            Thread.sleep(250);
        }
    }

    /**
     * Serves flights as variant a (scored by origin) and b (the base rate), records every
     * outcome, and returns the AUC core's metrics give each variant's rows.
     */
    private Map<String, Double> serveAndRecordOutcomes() {
        List<Flight> flights = FlightOutcomes.served(SERVED_FLIGHTS);
        Map<String, List<double[]>> scoredByVariant = new TreeMap<>();
        ManagedChannel channel = ManagedChannelBuilder
                .forAddress("localhost", serviceUrl.getPort()).usePlaintext().build();
        try {
            MonitorGrpc.MonitorBlockingStub monitor = MonitorGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS);
            for (int i = 0; i < flights.size(); i++) {
                String variant = i % 2 == 0 ? "a" : "b";
                Scorer scorer = i % 2 == 0 ? Scorer.ORIGIN_SHARE : Scorer.BASE_RATE;
                PredictionLogEntry entry = FlightOutcomes.entry("dashboard-" + i, MODEL, 1,
                        variant, flights.get(i), scorer);
                append(entry);
                monitor.recordOutcome(RecordOutcomeRequest.newBuilder()
                        .setRequestId(entry.getRequestId())
                        .setLabel(flights.get(i).label()).build());
                scoredByVariant.computeIfAbsent(MODEL + " v1 " + variant,
                        key -> new ArrayList<>())
                        .add(new double[] {entry.getScore(), flights.get(i).label()});
            }
        } finally {
            channel.shutdownNow();
        }

        Map<String, Double> aucByVariant = new TreeMap<>();
        scoredByVariant.forEach((variant, rows) -> aucByVariant.put(variant, BinaryMetrics.auc(
                rows.stream().mapToDouble(row -> row[0]).toArray(),
                rows.stream().mapToInt(row -> (int) row[1]).toArray())));
        return aucByVariant;
    }

    /** Waits until the series endpoint's newest AUC per variant is the one of all the rows. */
    private void awaitLatestAuc(Map<String, Double> expected) {
        Map<String, Double> latest = new TreeMap<>();
        await(() -> "newest live AUC per variant " + latest + " is " + expected, () -> {
            latest.clear();
            for (JsonNode chart : readSeries().get("charts")) {
                if (chart.get("id").asText().equals("quality-auc")) {
                    chart.get("series").forEach(series -> latest.put(
                            series.get("name").asText(), newest(series.get("values"))));
                }
            }
            return latest.keySet().equals(expected.keySet())
                    && expected.entrySet().stream().allMatch(entry ->
                            Math.abs(latest.get(entry.getKey()) - entry.getValue()) < 1e-9);
        });
    }

    /** Waits until the page drew every expected series with points, and an alert row. */
    private static JsonNode awaitDrawn(ChromeDriver browser) {
        JsonNode[] page = new JsonNode[1];
        await(() -> "the page drew " + SERIES_BY_CHART + " with an alert row, shown: "
                + page[0], () -> {
                    page[0] = JSON.readTree((String) browser.executeScript(READ_PAGE));
                    return !page[0].get("alerts").isEmpty()
                            && SERIES_BY_CHART.entrySet().stream().allMatch(expected ->
                                    hasPoints(page[0].get("charts").get(expected.getKey()),
                                            expected.getValue()));
                });
        return page[0];
    }

    private static boolean hasPoints(JsonNode chart, List<String> series) {
        return chart != null && series.stream().allMatch(name ->
                chart.get("pointsBySeries").path(name).asInt() > 0);
    }

    private static void assertAlertRow(JsonNode alerts) {
        assertEquals(1, alerts.size(), alerts.toString());
        JsonNode cells = alerts.get(0);
        assertEquals(CHECKOUT + ":" + PAY, cells.get(0).asText());
        assertTrue(cells.get(1).asText().startsWith("p99 120."), cells.toString());
        assertEquals(SLOW_MICROS / 1_000.0, cells.get(4).asDouble(), 0.2);
    }

    private static List<Integer> colouredPixels(JsonNode chart) {
        List<Integer> counts = new ArrayList<>();
        chart.get("pixelsBySeries").forEach(count -> counts.add(count.asInt()));
        return counts;
    }

    private static List<String> names(JsonNode chart) {
        List<String> names = new ArrayList<>();
        chart.get("series").forEach(name -> names.add(name.asText()));
        return names;
    }

    private static double newest(JsonNode values) {
        for (int i = values.size() - 1; i >= 0; i--) {
            if (!values.get(i).isNull()) {
                return values.get(i).asDouble();
            }
        }
        return Double.NaN;
    }

    private JsonNode readSeries() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(serviceUrl + "dashboard/series")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static List<SpanData> spans(String service, String name, long durationMicros,
            int errorCount) {
        Resource resource = Resource.create(
                Attributes.of(AttributeKey.stringKey("service.name"), service));
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource).build();
        long startNanos = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        List<SpanData> spans = new ArrayList<>(SPANS_PER_ROUND);
        for (int i = 0; i < SPANS_PER_ROUND; i++) {
            Span span = provider.get("mlmesh-dashboard-test").spanBuilder(name)
                    .setStartTimestamp(startNanos, TimeUnit.NANOSECONDS).startSpan();
            if (i < errorCount) {
                span.setStatus(StatusCode.ERROR, "failed on purpose");
            }
            span.end(startNanos + TimeUnit.MICROSECONDS.toNanos(durationMicros),
                    TimeUnit.NANOSECONDS);
            spans.add(((ReadableSpan) span).toSpanData());
        }
        return spans;
    }

    private void export(List<SpanData> spans) {
        SpanExports.export(serviceUrl.getPort(), spans);
    }

    private static void append(PredictionLogEntry entry) {
        Map<String, byte[]> fields = new HashMap<>();
        fields.put("entry", entry.toByteArray());
        fields.put("request_id", entry.getRequestId().getBytes(StandardCharsets.UTF_8));
        commands.xadd(DashboardProfile.STREAM, fields);
    }

    /** A check that may throw while the page or the monitor is not there yet. */
    private interface Check {

        boolean passes() throws Exception;
    }

    private static void await(Supplier<String> what, Check check) {
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        try {
            while (!check.passes()) {
                if (System.nanoTime() > deadlineNanos) {
                    throw new AssertionError("timed out waiting until " + what.get());
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting until " + what.get(), e);
        } catch (Exception e) {
            throw new AssertionError("failed waiting until " + what.get(), e);
        }
    }
}
