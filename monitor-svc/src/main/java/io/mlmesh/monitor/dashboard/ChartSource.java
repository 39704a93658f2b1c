package io.mlmesh.monitor.dashboard;

import java.util.List;

/**
 * A source of charts for the dashboard, with their history. Every CDI bean implementing it is
 * found and asked at each page refresh, so a new panel is one class: a {@code @Singleton} that
 * returns its charts, built with {@link Chart#of} from whatever history it keeps.
 *
 * <p>Sources that only know their current figures implement {@link FigureSource} instead and
 * let the {@link HistorySampler} keep their history.
 *
 * <p>Called on request threads, concurrently with whatever updates the source.
 */
public interface ChartSource {

    /** The charts as they stand now; empty while there is nothing to show. */
    List<Chart> charts();
}
