package io.mlmesh.inference;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real registry: registry-svc's packaged application ({@code quarkus-run.jar}, built
 * earlier in the reactor) started as a process on a given loopback port with its own data
 * folder, waited for through gRPC health, stopped at the end.
 */
public final class RegistryApp implements AutoCloseable {

    private static final Path JAR =
            Path.of("..", "registry-svc", "target", "quarkus-app", "quarkus-run.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Process process;
    private final ManagedChannel channel;
    private final Path dataDir;

    private RegistryApp(Process process, ManagedChannel channel, Path dataDir) {
        this.process = process;
        this.channel = channel;
        this.dataDir = dataDir;
    }

    /** Starts the registry on {@code port} and waits until it serves. */
    public static RegistryApp start(int port, Path dataDir, Path logFile)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath()
                    + " is missing: package registry-svc first (it precedes inference-svc in"
                    + " the reactor)");
        }
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.otel.sdk.disabled=true",
                "-Dmlmesh.registry.data-dir=" + dataDir,
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", JAR.toString()))
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        RegistryApp registry = new RegistryApp(process,
                NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build(),
                dataDir);
        try {
            registry.awaitServing(logFile);
        } catch (RuntimeException | InterruptedException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /** A channel straight to the registry, for the test's own calls. */
    public ManagedChannel channel() {
        return channel;
    }

    /** The stored file of an artifact: the registry keeps artifacts by their SHA-256. */
    public Path artifactFile(String sha256) {
        return dataDir.resolve("artifacts").resolve(sha256);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
        }
    }

    private void awaitServing(Path logFile) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadlineNanos) {
            if (!process.isAlive()) {
                throw new IllegalStateException("registry exited with " + process.exitValue()
                        + " before serving; see " + logFile);
            }
            if (serving()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("registry not serving after " + START_TIMEOUT
                + "; see " + logFile);
    }

    private boolean serving() {
        try {
            return HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(1, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus() == ServingStatus.SERVING;
        } catch (StatusRuntimeException notYet) {
            return false;
        }
    }
}
