package io.mlmesh.monitor.store;

/**
 * Spans received from one service since start.
 *
 * @param service the service name
 * @param spanCount spans received
 * @param errorCount spans whose status was ERROR
 */
public record ServiceTotals(String service, long spanCount, long errorCount) {
}
