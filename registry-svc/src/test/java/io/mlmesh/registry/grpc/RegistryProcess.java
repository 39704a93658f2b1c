package io.mlmesh.registry.grpc;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.mlmesh.registry.v1.RegistryGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged registry ({@code quarkus-run.jar}) as a process of its own, the way
 * {@code mlmesh up} runs it: started on a free loopback port with a data folder (and a database
 * when {@code jdbcUrl} is set), waited for through gRPC health, and killed with SIGKILL, so that
 * none of its shutdown code runs, as when a node dies.
 */
final class RegistryProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final long CALL_TIMEOUT_SECONDS = 30;

  private final Process process;
  private final ManagedChannel channel;

  private RegistryProcess(Process process, ManagedChannel channel) {
    this.process = process;
    this.channel = channel;
  }

  /**
   * Starts the jar and waits until it serves.
   *
   * @param jdbcUrl PostgreSQL URL (user {@code postgres}), or empty for the H2 file store
   * @param logFile where its standard output and error go
   */
  static RegistryProcess start(Path jar, Path dataDir, String jdbcUrl, Path logFile)
      throws IOException, InterruptedException {
    int port = freeLoopbackPort();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dquarkus.http.host=127.0.0.1",
        "-Dquarkus.http.port=" + port,
        "-Dquarkus.otel.sdk.disabled=true",
        "-Dmlmesh.registry.data-dir=" + dataDir,
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    if (!jdbcUrl.isEmpty()) {
      command.add("-Dmlmesh.registry.jdbc-url=" + jdbcUrl);
      command.add("-Dmlmesh.registry.jdbc-user=postgres");
    }
    command.addAll(List.of("-jar", jar.toString()));
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(logFile.toFile())
        .start();

    RegistryProcess registry = new RegistryProcess(process,
        ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    try {
      registry.awaitServing(logFile);
    } catch (RuntimeException | InterruptedException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /** A blocking stub with a deadline on each call. */
  RegistryGrpc.RegistryBlockingStub blockingStub() {
    return RegistryGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** An asynchronous stub, for streams. */
  RegistryGrpc.RegistryStub asyncStub() {
    return RegistryGrpc.newStub(channel);
  }

  /** Kills the process with SIGKILL and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("registry process " + process.pid() + " survived SIGKILL");
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    if (!process.isAlive()) {
      return;
    }

    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      kill();
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
    throw new IllegalStateException("registry not serving after " + START_TIMEOUT + "; see "
        + logFile);
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

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
