package io.mlmesh.monitor.dashboard;

import java.util.Collections;
import java.util.List;

/**
 * One line of a chart.
 *
 * @param name the series name: a service, a model variant, a feature
 * @param values one per time of the chart, null where the series had no value then
 */
public record Series(String name, List<Double> values) {

    public Series {
        values = Collections.unmodifiableList(values);
    }

    /** Values that are not null: the points the page can draw. */
    public long pointCount() {
        return values.stream().filter(value -> value != null).count();
    }
}
