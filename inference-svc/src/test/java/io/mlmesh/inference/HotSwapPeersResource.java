package io.mlmesh.inference;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * Points the service under test at free loopback ports for the registry (where the test puts a
 * {@link TcpRelay} in front of the real registry process) and the feature store stand-in, with
 * no preload and a short reconnect backoff, so that a broken registry watch comes back within
 * the test's patience.
 */
public final class HotSwapPeersResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String registryPort = Integer.toString(freePort());
        String featureStorePort = Integer.toString(freePort());
        return Map.of(
                "quarkus.grpc.clients.registry.port", registryPort,
                "quarkus.grpc.clients.registry.test-port", registryPort,
                "quarkus.grpc.clients.featurestore.port", featureStorePort,
                "quarkus.grpc.clients.featurestore.test-port", featureStorePort,
                "mlmesh.inference.preload", "",
                "mlmesh.inference.hot-swap.reconnect-initial-backoff-millis", "100",
                "mlmesh.inference.hot-swap.reconnect-max-backoff-millis", "1000");
    }

    @Override
    public void stop() {
        // The registry process, the relay and the feature store belong to the test class.
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
