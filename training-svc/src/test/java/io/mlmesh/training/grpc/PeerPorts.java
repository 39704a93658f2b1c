package io.mlmesh.training.grpc;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Points the service under test at free ports for its feature store and registry clients (in
 * test mode Quarkus reads a client's {@code test-port}, not its {@code port}), and
 * at a fresh data folder, with a registry token. The test starts its peers on these ports:
 * the clients connect on their first call, after the peers are up.
 */
public final class PeerPorts implements QuarkusTestResourceLifecycleManager {

    static final String FEATURE_STORE_PORT = "quarkus.grpc.clients.featurestore.test-port";
    static final String REGISTRY_PORT = "quarkus.grpc.clients.registry.test-port";
    /** The writer token the service is configured with and the registry stand-in requires. */
    static final String REGISTRY_TOKEN = "training-writer-token";

    private Path dataDir;

    @Override
    public Map<String, String> start() {
        try {
            dataDir = Files.createTempDirectory("training-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                FEATURE_STORE_PORT, String.valueOf(freePort()),
                REGISTRY_PORT, String.valueOf(freePort()),
                "mlmesh.training.registry-token", REGISTRY_TOKEN,
                "mlmesh.training.data-dir", dataDir.toString());
    }

    @Override
    public void stop() {
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
