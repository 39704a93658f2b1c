package io.mlmesh.monitor.dashboard;

import java.util.List;

/**
 * Everything the page draws at one refresh.
 *
 * @param refreshMillis how long the page waits before fetching again
 * @param sampleIntervalMillis the time between two samples of the history
 * @param charts every chart, ordered by panel, then as their sources listed them
 * @param openAlerts alerts open now, oldest first
 */
public record DashboardView(long refreshMillis, long sampleIntervalMillis, List<Chart> charts,
        List<AlertRow> openAlerts) {

    public DashboardView {
        charts = List.copyOf(charts);
        openAlerts = List.copyOf(openAlerts);
    }
}
