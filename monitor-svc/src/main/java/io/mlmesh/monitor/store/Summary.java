package io.mlmesh.monitor.store;

import java.util.List;

/**
 * What the store holds for the services matching a name prefix.
 *
 * @param spanCount spans received from the matching services since start
 * @param traceCount distinct trace ids received from any service since start, evicted ones
 *     included
 * @param services totals per matching service, sorted by name
 * @param operations latency per operation of the matching services, sorted by service, then
 *     operation name
 */
public record Summary(
        long spanCount,
        long traceCount,
        List<ServiceTotals> services,
        List<OperationLatency> operations) {

    public Summary {
        services = List.copyOf(services);
        operations = List.copyOf(operations);
    }
}
