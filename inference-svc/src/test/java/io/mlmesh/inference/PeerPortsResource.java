package io.mlmesh.inference;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * Picks free loopback ports for the registry and feature store stand-ins and points the
 * service's gRPC clients at them before it starts (Quarkus reads a client's {@code test-port}
 * in test mode). Nothing listens there yet, so the
 * configured preload meets an unreachable registry: the service must start anyway.
 */
public final class PeerPortsResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String registryPort = Integer.toString(freePort());
        String featureStorePort = Integer.toString(freePort());
        return Map.of(
                "quarkus.grpc.clients.registry.port", registryPort,
                "quarkus.grpc.clients.registry.test-port", registryPort,
                "quarkus.grpc.clients.featurestore.port", featureStorePort,
                "quarkus.grpc.clients.featurestore.test-port", featureStorePort,
                "mlmesh.inference.preload", FlightsModel.MODEL + "@production");
    }

    @Override
    public void stop() {
        // The stand-in servers belong to the test class, which stops them.
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
