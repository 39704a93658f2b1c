package io.mlmesh.monitor.dashboard;

import io.mlmesh.monitor.slo.Alert;

/**
 * One open alert as the page's table shows it.
 *
 * @param objective the objective's name, {@code <service>:<operation>}
 * @param service the service
 * @param operation the RPC
 * @param reason what broke, for example {@code p99 80.0ms > 50.0ms}
 * @param since when it broke, ISO-8601 UTC
 * @param calls calls in the window at the latest evaluation
 * @param p99Millis the window's p99 latency then
 * @param errorRate the window's error rate then
 */
public record AlertRow(String objective, String service, String operation, String reason,
        String since, long calls, double p99Millis, double errorRate) {

    static AlertRow of(Alert alert) {
        return new AlertRow(alert.objective().name(), alert.objective().operation().service(),
                alert.objective().operation().name(), alert.reason(), alert.since().toString(),
                alert.observed().callCount(), alert.observed().p99Millis(),
                alert.observed().errorRate());
    }
}
