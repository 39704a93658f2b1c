package io.mlmesh.monitor.dashboard;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import java.util.UUID;

/**
 * A monitor with everything the dashboard charts switched on: the feedback loop on the local
 * Redis under a key prefix of this run's own (deleted afterwards), live quality for
 * {@value #MODEL}, an objective the test breaks, and sampling fast enough for a test.
 */
public final class DashboardProfile implements QuarkusTestProfile {

    static final String REDIS_URL = "redis://127.0.0.1:6379";
    static final String PREFIX = "mlmesh-dashboard-it-" + UUID.randomUUID() + ":";
    static final String STREAM = PREFIX + "predictions";
    static final String MODEL = "flights-dashboard";
    static final String CHECKOUT = "dashboard-it-checkout";
    static final String LEDGER = "dashboard-it-ledger";
    static final String PAY = "mlmesh.checkout.v1.Checkout/Pay";
    static final String WRITE = "mlmesh.ledger.v1.Ledger/Write";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("mlmesh.monitor.feedback.redis-url", REDIS_URL),
                Map.entry("mlmesh.monitor.feedback.stream-key", STREAM),
                Map.entry("mlmesh.monitor.feedback.key-prefix", PREFIX),
                Map.entry("mlmesh.monitor.feedback.retention", "1h"),
                Map.entry("mlmesh.monitor.feedback.read-block", "200ms"),
                Map.entry("mlmesh.monitor.slo.objectives",
                        CHECKOUT + ":" + PAY + ":p99-millis=50:error-rate=0.5:min-calls=10"),
                Map.entry("mlmesh.monitor.slo.evaluate-interval", "200ms"),
                Map.entry("mlmesh.monitor.dashboard.models", MODEL),
                Map.entry("mlmesh.monitor.dashboard.sample-interval", "200ms"),
                Map.entry("mlmesh.monitor.dashboard.retention", "2m"),
                Map.entry("mlmesh.monitor.dashboard.refresh-interval", "300ms"));
    }
}
