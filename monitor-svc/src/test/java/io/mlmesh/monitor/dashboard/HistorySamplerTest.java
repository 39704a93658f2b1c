package io.mlmesh.monitor.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mlmesh.monitor.slo.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistorySamplerTest {

    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final ChartSpec LATENCY =
            new ChartSpec(Panel.LATENCY, "latency-test", "Latency", "ms");
    private static final ChartSpec QUALITY =
            new ChartSpec(Panel.QUALITY, "quality-test", "Quality", "");

    private final MovableClock clock = new MovableClock(START);
    private final List<List<Figure>> queued = new ArrayList<>();
    private final FigureSource queuedSource = () -> queued.isEmpty() ? List.of() : queued.remove(0);

    @Test
    void sampleNow_moreSamplesThanRetentionHolds_keepsNewestWithGapsAsNulls() {
        HistorySampler sampler = sampler(List.of(queuedSource), Duration.ofSeconds(15), 50);
        queue(new Figure(LATENCY, "checkout", 1.0));
        queue(new Figure(LATENCY, "checkout", 2.0), new Figure(LATENCY, "ledger", 20.0));
        queue(new Figure(LATENCY, "ledger", 30.0));
        queue();
        queue(new Figure(LATENCY, "checkout", 5.0), new Figure(QUALITY, "m v1 a", 0.7));

        sampleFiveTimes(sampler);
        List<Chart> charts = sampler.charts();

        assertEquals(List.of("latency-test", "quality-test"),
                charts.stream().map(Chart::id).toList());
        Chart latency = charts.get(0);
        assertEquals(List.of(millisAfter(10), millisAfter(15), millisAfter(20)),
                latency.timesMillis());
        assertEquals(List.of("checkout", "ledger"),
                latency.series().stream().map(Series::name).toList());
        assertEquals(Arrays.asList(null, null, 5.0), latency.series().get(0).values());
        assertEquals(Arrays.asList(30.0, null, null), latency.series().get(1).values());
        assertEquals(1, latency.series().get(0).pointCount());
        Chart quality = charts.get(1);
        assertEquals(List.of(millisAfter(20)), quality.timesMillis());
        assertEquals(List.of(0.7), quality.series().get(0).values());
    }

    @Test
    void sampleNow_moreSeriesThanMax_keepsTheFirstSeriesSeen() {
        HistorySampler sampler = sampler(List.of(queuedSource), Duration.ofMinutes(1), 2);
        queue(new Figure(LATENCY, "a", 1.0), new Figure(LATENCY, "b", 2.0));
        queue(new Figure(LATENCY, "c", 3.0), new Figure(LATENCY, "a", 4.0));

        sampler.sampleNow();
        clock.advance(INTERVAL);
        sampler.sampleNow();

        Chart chart = sampler.charts().get(0);
        assertEquals(List.of("a", "b"), chart.series().stream().map(Series::name).toList());
        assertEquals(List.of(1.0, 4.0), chart.series().get(0).values());
    }

    @Test
    void sampleNow_oneSourceFailsAnotherGivesNonFinite_keepsTheRest() {
        FigureSource failing = () -> {
            throw new IllegalStateException("store down");
        };
        FigureSource mixed = () -> List.of(new Figure(QUALITY, "nan", Double.NaN),
                new Figure(QUALITY, "finite", 0.8));
        HistorySampler sampler = sampler(List.of(failing, mixed), Duration.ofMinutes(1), 50);

        sampler.sampleNow();

        Chart chart = sampler.charts().get(0);
        assertEquals(List.of("finite"), chart.series().stream().map(Series::name).toList());
        assertEquals(List.of(0.8), chart.series().get(0).values());
    }

    @Test
    void constructor_settingsOutOfRange_namesTheSetting() {
        IllegalStateException interval = assertThrows(IllegalStateException.class,
                () -> new HistorySampler(List.of(), Duration.ofMillis(5), Duration.ofHours(1), 50,
                        clock));
        IllegalStateException retention = assertThrows(IllegalStateException.class,
                () -> sampler(List.of(), Duration.ofSeconds(1), 50));
        IllegalStateException series = assertThrows(IllegalStateException.class,
                () -> sampler(List.of(), Duration.ofHours(1), 0));

        assertEquals("mlmesh.monitor.dashboard.sample-interval must be at least 10ms, got PT0.005S",
                interval.getMessage());
        assertEquals("mlmesh.monitor.dashboard.retention must be at least the sample interval"
                + " PT5S, got PT1S", retention.getMessage());
        assertEquals("mlmesh.monitor.dashboard.max-series must be at least 1, got 0",
                series.getMessage());
    }

    private HistorySampler sampler(List<FigureSource> sources, Duration retention,
            int maxSeries) {
        return new HistorySampler(sources, INTERVAL, retention, maxSeries, clock);
    }

    private void queue(Figure... figures) {
        queued.add(List.of(figures));
    }

    private void sampleFiveTimes(HistorySampler sampler) {
        for (int i = 0; i < 5; i++) {
            sampler.sampleNow();
            clock.advance(INTERVAL);
        }
    }

    private static long millisAfter(long seconds) {
        return START.plusSeconds(seconds).toEpochMilli();
    }
}
