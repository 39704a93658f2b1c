package io.mlmesh.monitor.dashboard;

/** The sections of the dashboard page, in the order the page shows them. */
public enum Panel {
    LATENCY, TRAFFIC, DRIFT, QUALITY, ALERTS
}
