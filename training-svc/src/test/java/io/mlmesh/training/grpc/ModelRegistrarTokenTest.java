package io.mlmesh.training.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.mlmesh.registry.v1.ArtifactInfo;
import io.mlmesh.registry.v1.RegisterVersionHeader;
import io.mlmesh.training.config.TrainingConfig;
import io.mlmesh.training.job.JobFailedException;
import io.mlmesh.training.registry.ModelRegistrar;
import io.mlmesh.training.registry.VersionRequests;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ModelRegistrar} against the registry stand-in served over real gRPC (Netty on a free
 * local port), which requires a writer token as the real registry does when tokens are set.
 */
class ModelRegistrarTokenTest {

    private static final String TOKEN = "writer-token-for-training";
    private static final byte[] ARTIFACT = "model bytes".getBytes(StandardCharsets.UTF_8);

    private final RecordingRegistryPeer registry = new RecordingRegistryPeer();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void startRegistry() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(registry.requiringToken(TOKEN)).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
                .build();
    }

    @AfterEach
    void stopRegistry() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void register_tokenConfigured_sendsBearerHeader() throws InterruptedException {
        ModelRegistrar registrar = new ModelRegistrar(channel, config(Optional.of(TOKEN)));

        long version = registrar.register(header("with-token"), ARTIFACT).getVersion();

        assertEquals(1, version);
        assertEquals("Bearer " + TOKEN, registry.uploads().get(0).authorization());
    }

    @Test
    void register_noOrBlankToken_sendsNoHeaderAndRegistryRefuses() {
        for (Optional<String> token : List.of(Optional.<String>empty(), Optional.of("  "))) {
            ModelRegistrar registrar = new ModelRegistrar(channel, config(token));

            JobFailedException failure = assertThrows(JobFailedException.class,
                    () -> registrar.register(header("without-token"), ARTIFACT));

            assertTrue(failure.getMessage().startsWith("registry RegisterVersion for model"
                    + " without-token failed: UNAUTHENTICATED"), failure.getMessage());
        }
        assertEquals(0, registry.uploads().size());
    }

    private static RegisterVersionHeader header(String model) {
        return RegisterVersionHeader.newBuilder()
                .setModel(model)
                .setArtifact(ArtifactInfo.newBuilder()
                        .setSha256(VersionRequests.sha256Hex(ARTIFACT))
                        .setSizeBytes(ARTIFACT.length))
                .build();
    }

    private static TrainingConfig config(Optional<String> registryToken) {
        return new TrainingConfig() {
            @Override
            public Path dataDir() {
                return Path.of(".mlmesh/training");
            }

            @Override
            public Duration peerTimeout() {
                return Duration.ofSeconds(30);
            }

            @Override
            public Optional<String> registryToken() {
                return registryToken;
            }
        };
    }
}
