package io.mlmesh.bench.featurestore;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged feature-store-svc as a process of its own on a free loopback port, with a
 * temporary data dir and its own Redis key prefix. {@link #close()} stops it and removes both:
 * the folder and every key under the prefix, so a benchmark leaves nothing behind in a Redis
 * that other programs share.
 *
 * <p>Tracing is off (no monitor runs beside it); the JVM runs with its default compilers, so
 * latencies after warm-up are those of a production process, not of a quickly started test one.
 */
final class FeatureStoreProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
  private static final int DELETE_BATCH_KEYS = 1000;

  private final Process process;
  private final int port;
  private final Path dataDir;
  private final String redisUrl;
  private final String keyPrefix;
  private final ManagedChannel channel;

  private FeatureStoreProcess(Process process, int port, Path dataDir, String redisUrl,
      String keyPrefix) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    this.redisUrl = redisUrl;
    this.keyPrefix = keyPrefix;
    this.channel = NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .usePlaintext()
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .build();
  }

  /** Starts the jar and waits until it answers gRPC health with SERVING. */
  static FeatureStoreProcess start(Path jar, String redisUrl)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no feature-store-svc jar at " + jar
          + "; build it first: ./mvnw -pl feature-store-svc -am install -DskipTests");
    }
    Path dataDir = Files.createTempDirectory("mlmesh-bench-fs-");
    String keyPrefix = "mlmesh-bench-fs-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    int port = freePort();
    List<String> command = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dquarkus.http.host=127.0.0.1",
        "-Dquarkus.http.port=" + port,
        "-Dquarkus.otel.sdk.disabled=true",
        "-Dmlmesh.featurestore.data-dir=" + dataDir,
        "-Dmlmesh.featurestore.redis-url=" + redisUrl,
        "-Dmlmesh.featurestore.key-prefix=" + keyPrefix,
        "-Xmx1g",
        "-jar", jar.toAbsolutePath().toString());
    Process process = new ProcessBuilder(command).directory(dataDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dataDir.resolve("feature-store.log").toFile())
        .start();

    FeatureStoreProcess store =
        new FeatureStoreProcess(process, port, dataDir, redisUrl, keyPrefix);
    store.awaitServing();
    return store;
  }

  ManagedChannel channel() {
    return channel;
  }

  /** Every Redis key of this process starts with this. */
  String keyPrefix() {
    return keyPrefix;
  }

  /** A folder that is removed with the process, for the benchmark's input files. */
  Path scratchDir() {
    return dataDir;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    deleteKeys();
    deleteTree(dataDir);
  }

  private void awaitServing() throws InterruptedException {
    long deadlineNanos = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadlineNanos) {
      if (!process.isAlive()) {
        throw new IllegalStateException("feature-store-svc exited with " + process.exitValue()
            + "; its log: " + dataDir.resolve("feature-store.log"));
      }
      if (serving()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("feature-store-svc on port " + port + " not serving after "
        + START_TIMEOUT);
  }

  private boolean serving() {
    try {
      HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(1, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
      return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
    } catch (StatusRuntimeException notYet) {
      return false;
    }
  }

  private void deleteKeys() {
    RedisClient client = RedisClient.create(redisUrl);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> commands = connection.sync();
      List<String> keys = ScanIterator.scan(commands,
          ScanArgs.Builder.matches(keyPrefix + "*").limit(DELETE_BATCH_KEYS)).stream().toList();
      for (int from = 0; from < keys.size(); from += DELETE_BATCH_KEYS) {
        int to = Math.min(keys.size(), from + DELETE_BATCH_KEYS);
        commands.unlink(keys.subList(from, to).toArray(String[]::new));
      }
    } finally {
      client.shutdown();
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the benchmark's data dir " + root, e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
