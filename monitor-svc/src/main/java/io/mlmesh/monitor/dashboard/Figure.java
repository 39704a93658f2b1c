package io.mlmesh.monitor.dashboard;

/**
 * One value of one series read at a sample, for example the p99 latency of one service.
 *
 * @param chart the chart the series belongs to
 * @param series the series name, unique within the chart
 * @param value a finite number
 */
public record Figure(ChartSpec chart, String series, double value) {
}
