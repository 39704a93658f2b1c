package io.mlmesh.monitor.served;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.mlmesh.core.drift.CategoricalValues;
import io.mlmesh.core.drift.DriftDetector;
import io.mlmesh.core.drift.DriftMethod;
import io.mlmesh.core.drift.DriftSettings;
import io.mlmesh.core.drift.DriftVerdict;
import io.mlmesh.core.drift.FeatureDrift;
import io.mlmesh.core.drift.FeatureValues;
import io.mlmesh.core.drift.ModelReference;
import io.mlmesh.core.drift.NumericProfile;
import io.mlmesh.core.drift.NumericValues;
import io.mlmesh.core.drift.ReferenceProfile;
import io.mlmesh.core.drift.ValueReading;
import io.mlmesh.monitor.dashboard.Chart;
import io.mlmesh.monitor.dashboard.DriftCharts;
import io.mlmesh.monitor.dashboard.Series;
import io.mlmesh.monitor.slo.MovableClock;
import io.mlmesh.monitor.v1.LoggedValue;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Windows of served predictions against a reference, without Redis or gRPC: the monitor is fed
 * log entries directly, its clock moved by hand. The edge cases the issue names each give a
 * result: missing values, a tiny window, categories absent on either side, a constant column, a
 * version without a reference.
 */
class ServedDriftMonitorTest {

    private static final Instant START = Instant.parse("2026-12-04T10:00:00Z");
    private static final DriftDetector DETECTOR = new DriftDetector(DriftSettings.defaults());

    private final MovableClock clock = new MovableClock(START);
    private final List<WindowDrift> closed = new ArrayList<>();

    @Test
    void observe_fullWindow_closesAndTestsEveryColumnAndTheScore() {
        ServedDriftMonitor monitor = monitor(100, reference());

        for (int i = 0; i < 100; i++) {
            monitor.observe(entry(i, 10 + i % 5, i % 2 == 0 ? "ORD" : "SFO", 1, 0.2));
        }

        assertEquals(1, closed.size());
        WindowDrift window = closed.get(0);
        assertFalse(window.open());
        assertEquals(100, window.rowCount());
        assertEquals(START, window.firstPredictionAt());
        assertEquals(START.plusSeconds(99), window.lastPredictionAt());
        FeatureDrift distance = window.report().orElseThrow().feature("distance");
        assertEquals(DriftMethod.KOLMOGOROV_SMIRNOV, distance.method());
        assertEquals(DriftVerdict.NO_DRIFT, distance.verdict());
        assertEquals(List.of(window), monitor.history("m", 1));
        assertTrue(monitor.current("m", 1).isEmpty(), "a new window opens with the next one");
    }

    @Test
    void dashboardCharts_twoClosedWindows_psiPerFeatureAndDriftedSharePerWindow() {
        ServedDriftMonitor monitor = monitor(50, reference());
        for (int i = 0; i < 50; i++) {
            monitor.observe(entry(i, 10 + i % 5, i % 2 == 0 ? "ORD" : "SFO", 1, 0.2));
        }
        for (int i = 50; i < 100; i++) {
            monitor.observe(entry(i, 3, "ORD", 1, 0.9));
        }

        List<Chart> charts = new DriftCharts(monitor).charts();

        Chart psi = charts.get(0);
        assertEquals("drift-psi", psi.id());
        assertEquals(List.of(closed.get(0).closedAt().toEpochMilli(),
                closed.get(1).closedAt().toEpochMilli()), psi.timesMillis());
        List<String> names = psi.series().stream().map(Series::name).toList();
        assertTrue(names.containsAll(List.of("m v1 distance", "m v1 origin", "m v1 prediction")),
                names::toString);
        Series score = psi.series().get(names.indexOf("m v1 prediction"));
        assertEquals(closed.get(1).prediction().orElseThrow().populationStabilityIndex(),
                score.values().get(1), 1e-12);
        assertTrue(score.values().get(1) > score.values().get(0), score::toString);
        Chart share = charts.get(1);
        assertEquals(List.of(closed.get(0).report().orElseThrow().driftedShare(),
                closed.get(1).report().orElseThrow().driftedShare()),
                share.series().get(0).values());
    }

    @Test
    void observe_missingValuesAndUnreadableOnes_countAsMissingNotAsValues() {
        ServedDriftMonitor monitor = monitor(100, reference());

        for (int i = 0; i < 100; i++) {
            PredictionLogEntry.Builder entry = entry(i, 10 + i % 5, "ORD", 1, 0.2).toBuilder();
            if (i % 4 == 0) {
                entry.removeFeatures("distance");
            } else if (i % 4 == 1) {
                entry.putFeatures("distance", text("far"));
            } else if (i % 4 == 2) {
                entry.putFeatures("date", text("not a time"));
            }
            monitor.observe(entry.build());
        }

        FeatureDrift distance = closed.get(0).report().orElseThrow().feature("distance");
        assertEquals(50, distance.windowCount());
        assertEquals(0.5, distance.windowMissingShare(), 1e-12);
        FeatureDrift hour = closed.get(0).report().orElseThrow().feature("date");
        assertEquals(75, hour.windowCount());
        assertTrue(Double.isFinite(hour.score()));
    }

    @Test
    void current_tinyWindow_isInsufficientDataEverywhere() {
        ServedDriftMonitor monitor = monitor(100, reference());

        for (int i = 0; i < 5; i++) {
            monitor.observe(entry(i, 10, "ORD", 1, 0.2));
        }

        WindowDrift open = monitor.current("m", 1).orElseThrow();
        assertTrue(open.open());
        assertEquals(5, open.rowCount());
        assertEquals(DriftVerdict.INSUFFICIENT_DATA, open.report().orElseThrow().verdict());
        open.report().orElseThrow().features().forEach(feature -> assertEquals(
                DriftVerdict.INSUFFICIENT_DATA, feature.verdict(), feature.feature()));
        assertEquals(DriftVerdict.INSUFFICIENT_DATA, open.prediction().orElseThrow().verdict());
        assertTrue(closed.isEmpty());
    }

    @Test
    void observe_categoriesAbsentFromReferenceAndWindow_driftsWithFiniteFigures() {
        ServedDriftMonitor monitor = monitor(60, reference());

        for (int i = 0; i < 60; i++) {
            monitor.observe(entry(i, 10, i % 2 == 0 ? "ORD" : "JFK", 1, 0.2));
        }

        FeatureDrift origin = closed.get(0).report().orElseThrow().feature("origin");
        assertEquals(DriftMethod.CHI_SQUARE, origin.method());
        assertEquals(DriftVerdict.DRIFT, origin.verdict());
        assertTrue(Double.isFinite(origin.statistic()) && Double.isFinite(
                origin.populationStabilityIndex()), origin.toString());
        assertTrue(origin.note().contains("JFK"), origin.note());
    }

    @Test
    void observe_constantColumnAndConstantScores_giveResultsWithANote() {
        ServedDriftMonitor monitor = monitor(50, reference());

        for (int i = 0; i < 50; i++) {
            monitor.observe(entry(i, 10, "ORD", 2, 0.2));
        }

        FeatureDrift engines = closed.get(0).report().orElseThrow().feature("engines");
        assertEquals(DriftVerdict.DRIFT, engines.verdict(), "constant 1 against constant 2");
        assertTrue(Double.isFinite(engines.score()));
        FeatureDrift prediction = closed.get(0).prediction().orElseThrow();
        assertTrue(Double.isFinite(prediction.score()), prediction.toString());
    }

    @Test
    void closeDueWindows_afterTheDuration_closesTheWindowByAge() {
        ServedDriftMonitor monitor = monitor(1000, reference());
        monitor.observe(entry(0, 10, "ORD", 1, 0.2));

        clock.advance(Duration.ofMinutes(59));
        monitor.closeDueWindows();
        assertTrue(closed.isEmpty());
        clock.advance(Duration.ofMinutes(1));
        monitor.closeDueWindows();

        assertEquals(1, closed.size());
        assertEquals(1, closed.get(0).rowCount());
        assertEquals(START.plus(Duration.ofHours(1)), closed.get(0).closedAt());
    }

    @Test
    void history_beyondHistorySize_dropsTheOldestWindows() {
        ServedDriftMonitor monitor = monitor(10, reference());

        for (int i = 0; i < 40; i++) {
            monitor.observe(entry(i, 10, "ORD", 1, 0.2));
        }

        List<WindowDrift> history = monitor.history("m", 1);
        assertEquals(3, history.size());
        assertEquals(START.plusSeconds(10), history.get(0).firstPredictionAt());
        assertEquals(START.plusSeconds(39), history.get(2).lastPredictionAt());
    }

    @Test
    void observe_versionWithoutReference_reportsWhyAndTestsNothing() {
        ServedDriftMonitor monitor = monitor(10, new VersionReference(Optional.empty(),
                "the bundle holds no reference", Double.NaN, "", true));

        for (int i = 0; i < 10; i++) {
            monitor.observe(entry(i, 10, "ORD", 1, 0.2));
        }

        WindowDrift window = closed.get(0);
        assertTrue(window.report().isEmpty() && window.prediction().isEmpty());
        assertEquals("the bundle holds no reference", window.referenceNote());
        assertFalse(window.datasetDrift());
    }

    @Test
    void reference_notSettled_isAskedForAgainAtTheNextWindow() {
        AtomicInteger asked = new AtomicInteger();
        ServedDriftMonitor monitor = new ServedDriftMonitor(config(10), (model, version) ->
                asked.incrementAndGet() == 1 ? VersionReference.unavailable("registry down")
                        : reference(), DETECTOR, (window, reference) -> closed.add(window),
                clock);

        for (int i = 0; i < 20; i++) {
            monitor.observe(entry(i, 10, "ORD", 1, 0.2));
        }

        assertEquals("registry down", closed.get(0).referenceNote());
        assertTrue(closed.get(1).report().isPresent());
        assertEquals(2, closed.size());
    }

    @Test
    void versions_unknownModel_isNotFoundNamingIt() {
        ServedDriftMonitor monitor = monitor(10, reference());
        monitor.observe(entry(0, 10, "ORD", 1, 0.2));

        assertEquals(List.of(1L), monitor.versions("m", 0));
        ServedTrafficNotFoundException missing = assertThrows(
                ServedTrafficNotFoundException.class, () -> monitor.versions("m", 2));
        assertEquals("no served predictions consumed for model 'm' version 2",
                missing.getMessage());
        assertEquals(Map.of("m", List.of(1L)), monitor.servedVersions());
    }

    private ServedDriftMonitor monitor(int windowRows, VersionReference reference) {
        return new ServedDriftMonitor(config(windowRows), (model, version) -> reference,
                DETECTOR, (window, ignored) -> closed.add(window), clock);
    }

    /**
     * A small reference (statistical tests): distances 8 to 12, hours 10 to 14, origins ORD
     * and SFO, engines always 1, scores 0.1 to 0.3.
     */
    private static VersionReference reference() {
        DriftSettings settings = DriftSettings.defaults();
        double[] distances = new double[200];
        double[] hours = new double[200];
        double[] engines = new double[200];
        double[] scores = new double[200];
        List<String> origins = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            distances[i] = 8 + i % 5;
            hours[i] = 10 + i % 5;
            engines[i] = 1;
            scores[i] = 0.1 + 0.2 * (i % 3) / 2;
            origins.add(i % 2 == 0 ? "ORD" : "SFO");
        }
        Map<String, FeatureValues> columns = new LinkedHashMap<>();
        columns.put("distance", NumericValues.of(distances));
        columns.put("date", NumericValues.of(hours));
        columns.put("origin", CategoricalValues.of(origins));
        columns.put("engines", NumericValues.of(engines));
        ModelReference reference = new ModelReference(ReferenceProfile.of(200, columns,
                settings), Map.of("distance", ValueReading.NUMBER, "date",
                ValueReading.HOUR_OF_DAY, "origin", ValueReading.TEXT, "engines",
                ValueReading.NUMBER), NumericProfile.of("prediction", NumericValues.of(scores),
                settings), "test");
        return new VersionReference(Optional.of(reference), "", 0.7, "run-1", true);
    }

    private static PredictionLogEntry entry(int second, int hour, String origin, double engines,
            double score) {
        Instant served = START.plusSeconds(second);
        return PredictionLogEntry.newBuilder()
                .setRequestId("r" + second)
                .setModel("m")
                .setVersion(1)
                .putFeatures("distance", number(8 + second % 5))
                .putFeatures("date", text(Instant.parse("2001-02-01T00:00:00Z")
                        .plus(Duration.ofHours(hour)).toString()))
                .putFeatures("origin", text(origin))
                .putFeatures("engines", number(engines))
                .setScore(score)
                .setTimestamp(Timestamp.newBuilder().setSeconds(served.getEpochSecond()))
                .build();
    }

    private static LoggedValue number(double value) {
        return LoggedValue.newBuilder().setNumber(value).build();
    }

    private static LoggedValue text(String value) {
        return LoggedValue.newBuilder().setText(value).build();
    }

    private static ServedDriftConfig config(int windowRows) {
        return new ServedDriftConfig() {
            @Override
            public int windowRows() {
                return windowRows;
            }

            @Override
            public Duration windowDuration() {
                return Duration.ofHours(1);
            }

            @Override
            public int historySize() {
                return 3;
            }

            @Override
            public Duration checkInterval() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration registryTimeout() {
                return Duration.ofSeconds(5);
            }
        };
    }
}
