package io.mlmesh.monitor.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A chart as the page draws it: times on the x axis and series aligned on them.
 *
 * @param panel the page section
 * @param id unique over the page
 * @param title what it shows
 * @param unit the unit of the values
 * @param timesMillis sample times, epoch milliseconds, ascending
 * @param series sorted by name, each with one value (or null) per time
 */
public record Chart(Panel panel, String id, String title, String unit, List<Long> timesMillis,
        List<Series> series) {

    public Chart {
        timesMillis = List.copyOf(timesMillis);
        series = List.copyOf(series);
    }

    /**
     * Aligns samples on their times: every series named in any sample gets one value per sample,
     * null where that sample lacks it.
     *
     * @param samples ordered by time
     */
    public static Chart of(ChartSpec spec, List<Sample> samples) {
        TreeSet<String> names = new TreeSet<>();
        List<Long> times = new ArrayList<>(samples.size());
        for (Sample sample : samples) {
            names.addAll(sample.valueBySeries().keySet());
            times.add(sample.epochMillis());
        }

        List<Series> series = new ArrayList<>(names.size());
        for (String name : names) {
            List<Double> values = new ArrayList<>(samples.size());
            samples.forEach(sample -> values.add(sample.valueBySeries().get(name)));
            series.add(new Series(name, values));
        }
        return new Chart(spec.panel(), spec.id(), spec.title(), spec.unit(), times, series);
    }
}
