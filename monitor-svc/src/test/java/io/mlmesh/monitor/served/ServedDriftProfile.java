package io.mlmesh.monitor.served;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The feedback loop on the local Redis under this run's own prefix and stream, windows of 1000
 * predictions, retraining on after 2 drifting windows with a 1-hour cool-down, and the
 * registry and training clients pointed at free ports where the test starts its stand-ins (in
 * test mode Quarkus reads a client's {@code test-port}). Data-set drift is configured at a
 * quarter of the columns, one of the four the test serves.
 */
public final class ServedDriftProfile implements QuarkusTestProfile {

    static final String REDIS_URL = "redis://127.0.0.1:6379";
    static final String PREFIX = "mlmesh-served-drift-it-" + UUID.randomUUID() + ":";
    static final String STREAM = PREFIX + "predictions";
    static final int REGISTRY_PORT = freePort();
    static final int TRAINING_PORT = freePort();
    static final int WINDOW_ROWS = 1000;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("mlmesh.monitor.feedback.redis-url", REDIS_URL);
        overrides.put("mlmesh.monitor.feedback.stream-key", STREAM);
        overrides.put("mlmesh.monitor.feedback.key-prefix", PREFIX);
        overrides.put("mlmesh.monitor.feedback.read-block", "200ms");
        overrides.put("mlmesh.monitor.drift.dataset-drift-share", "0.25");
        overrides.put("mlmesh.monitor.served-drift.window-rows", String.valueOf(WINDOW_ROWS));
        overrides.put("mlmesh.monitor.retraining.enabled", "true");
        overrides.put("mlmesh.monitor.retraining.consecutive-windows", "2");
        overrides.put("mlmesh.monitor.retraining.cooldown", "1h");
        overrides.put("quarkus.grpc.clients.registry.test-port", String.valueOf(REGISTRY_PORT));
        overrides.put("quarkus.grpc.clients.training.test-port", String.valueOf(TRAINING_PORT));
        return overrides;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
