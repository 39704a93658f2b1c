package io.mlmesh.monitor.dashboard;

import java.util.Objects;

/**
 * What a chart is, apart from its data.
 *
 * @param panel the page section it is drawn in
 * @param id unique over the page, used by the page and its tests to find it
 * @param title what the chart shows, for the reader
 * @param unit the unit of every series' values, for example {@code ms}; empty for ratios
 */
public record ChartSpec(Panel panel, String id, String title, String unit) {

    public ChartSpec {
        Objects.requireNonNull(panel, "panel");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(unit, "unit");
    }
}
