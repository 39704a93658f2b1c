package io.mlmesh.monitor.drift;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * Points the service's feature store client at a free port (in test mode Quarkus reads a
 * client's {@code test-port}, not its {@code port}). The test starts its stand-in feature store
 * there before its first call: the client connects lazily.
 */
public final class FeatureStorePort implements QuarkusTestResourceLifecycleManager {

    static final String PROPERTY = "quarkus.grpc.clients.featurestore.test-port";

    @Override
    public Map<String, String> start() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Map.of(PROPERTY, String.valueOf(socket.getLocalPort()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // The port was only reserved; the test stops its own server.
    }
}
