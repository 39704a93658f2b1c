package io.mlmesh.monitor.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The samples of one chart, at most {@code capacity}, oldest dropped first, and at most
 * {@code maxSeries} distinct series over the chart's life.
 *
 * <p>Not thread-safe: the owning {@link HistorySampler} guards it with its lock.
 */
final class ChartHistory {

    private static final Logger LOG = Logger.getLogger(ChartHistory.class);

    private final ChartSpec spec;
    private final int capacity;
    private final int maxSeries;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private final Set<String> seriesNames = new HashSet<>();
    private boolean refusalLogged;

    /**
     * @param capacity samples kept, at least 1
     * @param maxSeries distinct series accepted, at least 1
     */
    ChartHistory(ChartSpec spec, int capacity, int maxSeries) {
        this.spec = spec;
        this.capacity = capacity;
        this.maxSeries = maxSeries;
    }

    /**
     * Appends one sample, dropping the oldest beyond the capacity. Values of series beyond the
     * first {@code maxSeries} are left out; the first time, a warning says so.
     */
    void append(long epochMillis, Map<String, Double> valueBySeries) {
        Map<String, Double> kept = new HashMap<>(valueBySeries.size());
        valueBySeries.forEach((series, value) -> {
            if (seriesNames.contains(series) || seriesNames.size() < maxSeries) {
                seriesNames.add(series);
                kept.put(series, value);
            }
        });

        if (kept.size() < valueBySeries.size() && !refusalLogged) {
            refusalLogged = true;
            LOG.warnf("dashboard chart full, figures of further series left out chart=%s"
                    + " maxSeries=%d", spec.id(), maxSeries);
        }
        if (samples.size() == capacity) {
            samples.removeFirst();
        }
        samples.addLast(new Sample(epochMillis, kept));
    }

    Chart chart() {
        return Chart.of(spec, new ArrayList<>(samples));
    }
}
