package io.mlmesh.cli.mesh;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a mesh on this machine: a private Redis when the binary exists, then the five
 * services as separate processes on free ports, and waits until each answers gRPC health.
 *
 * <p>Every service gets its settings as system properties: its port, its data directory under
 * the run directory, its peers' ports, and the monitor's OTLP address for traces. Logs go to
 * {@code <runDir>/logs/<service>.log}.
 *
 * <p>With a Redis (private or given), the feedback loop is on: inference-svc appends every
 * answered Predict to a stream and monitor-svc consumes it, both in that Redis. Their keys live
 * under {@code mlmesh:mesh:<random id>:}, recorded in {@code mesh.json}: the feature store's
 * keys start with {@code mlmesh:fs:}, and a random id per mesh keeps two meshes on one Redis
 * from reading each other's predictions. Without Redis the loop stays off.
 */
public final class MeshLauncher {

    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final String MESH_KEY_NAMESPACE = "mlmesh:mesh:";
    private static final String DEFAULT_FEATURE_STORE_KEY_PREFIX = "mlmesh:";
    private static final int MESH_ID_BYTES = 6;

    private final Path home;
    private final Path runDir;
    private final PrintStream out;
    private final List<ProcessHandle> started = new ArrayList<>();

    /**
     * @param home the repository root, where the packaged services are
     * @param runDir where this mesh keeps its data, logs and state
     * @param out where progress lines go
     */
    public MeshLauncher(Path home, Path runDir, PrintStream out) {
        this.home = home;
        this.runDir = runDir;
        this.out = out;
    }

    /**
     * Starts everything and returns once every service is healthy.
     *
     * @param redisUrl an online store to use, or null to start a private Redis (or fall back to
     *     the in-process store when no redis-server binary exists); the feedback loop uses the
     *     same Redis and is off without one
     * @param registryJdbcUrl PostgreSQL for registry metadata, or null for its embedded file
     *     database
     */
    public MeshState start(String redisUrl, String registryJdbcUrl) {
        checkPackaged();
        createDirectories();

        long redisPid = 0;
        String onlineStore = redisUrl;
        if (onlineStore == null) {
            RedisStart redis = startPrivateRedis();
            redisPid = redis.pid();
            onlineStore = redis.url();
        }

        String feedbackKeyPrefix = onlineStore == null ? "" : newFeedbackKeyPrefix();
        Map<ServiceKind, Integer> ports = new EnumMap<>(ServiceKind.class);
        for (ServiceKind kind : ServiceKind.values()) {
            ports.put(kind, freePort());
        }
        Map<ServiceKind, MeshState.Endpoint> endpoints = new EnumMap<>(ServiceKind.class);
        for (ServiceKind kind : ServiceKind.values()) {
            Process process = startService(kind, ports,
                    new Stores(onlineStore, registryJdbcUrl, feedbackKeyPrefix));
            endpoints.put(kind, new MeshState.Endpoint(process.pid(), ports.get(kind)));
        }

        MeshState state = new MeshState(endpoints, redisPid,
                onlineStore == null ? "" : onlineStore, runDir.toString(), feedbackKeyPrefix);
        state.save();
        awaitHealthy(state);
        return state;
    }

    /**
     * Stops every process of a mesh: the services first, then, once they have exited, its
     * private Redis, so that no service loses its store while it shuts down.
     */
    public static void stop(MeshState state) {
        List<ProcessHandle> services = new ArrayList<>();
        state.services().values().forEach(endpoint ->
                ProcessHandle.of(endpoint.pid()).ifPresent(services::add));
        stopAll(services);
        if (state.redisPid() > 0) {
            ProcessHandle.of(state.redisPid()).ifPresent(redis -> stopAll(List.of(redis)));
        }
        MeshState.delete(Path.of(state.runDir()));
    }

    private static void stopAll(List<ProcessHandle> processes) {
        processes.forEach(ProcessHandle::destroy);
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }
    }

    /** Stops whatever this launcher started, also when start-up failed half-way. */
    public void stopStarted() {
        stopAll(started);
        started.clear();
    }

    /** Whether a service answers gRPC health with SERVING. */
    public static boolean isServing(int port) {
        ManagedChannel channel = Channels.open(port);
        try {
            HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(2, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
        } catch (RuntimeException e) {
            return false;
        } finally {
            Channels.close(channel);
        }
    }

    private void checkPackaged() {
        for (ServiceKind kind : ServiceKind.values()) {
            if (!Files.exists(jarOf(kind))) {
                throw new IllegalStateException(jarOf(kind) + " is missing: build first with"
                        + " ./mvnw install -DskipTests (the ./mlmesh launcher does this)");
            }
        }
    }

    private void createDirectories() {
        try {
            Files.createDirectories(runDir.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + runDir, e);
        }
    }

    private record RedisStart(long pid, String url) {
    }

    /**
     * Where the services keep state.
     *
     * @param redisUrl the Redis of the online store and the feedback loop, or null for none
     * @param registryJdbcUrl PostgreSQL of the registry, or null for its embedded database
     * @param feedbackKeyPrefix this mesh's key prefix in that Redis, empty without Redis
     */
    private record Stores(String redisUrl, String registryJdbcUrl, String feedbackKeyPrefix) {
    }

    private static String newFeedbackKeyPrefix() {
        byte[] id = new byte[MESH_ID_BYTES];
        new SecureRandom().nextBytes(id);
        return MESH_KEY_NAMESPACE + HexFormat.of().formatHex(id) + ":";
    }

    private RedisStart startPrivateRedis() {
        Path binary = findRedisServer();
        if (binary == null) {
            out.println("online store: in-process (no redis-server binary found); values live"
                    + " in feature-store-svc's memory and are lost when it stops");
            return new RedisStart(0, null);
        }
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), "--port",
                String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", runDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(runDir.resolve("logs/redis.log").toFile());
        Process process = launch(builder, "redis-server");
        out.printf("online store: private redis-server on 127.0.0.1:%d (pid %d)%n", port,
                process.pid());
        return new RedisStart(process.pid(), "redis://127.0.0.1:" + port);
    }

    private static Path findRedisServer() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private Process startService(ServiceKind kind, Map<ServiceKind, Integer> ports,
            Stores stores) {
        List<String> command = new ArrayList<>(List.of(javaBinary(), kind.maxHeap(),
                "-Dquarkus.http.port=" + ports.get(kind),
                // A local mesh serves this machine only: the registry is open without tokens.
                "-Dquarkus.http.host=127.0.0.1",
                "-Dai.djl.offline=true",
                "-Dquarkus.otel.exporter.otlp.traces.endpoint=http://127.0.0.1:"
                        + ports.get(ServiceKind.MONITOR),
                "-Dquarkus.otel.bsp.schedule.delay=1s",
                "-Dquarkus.otel.bsp.max.queue.size=65536",
                "-Dquarkus.otel.bsp.max.export.batch.size=4096",
                "-Dquarkus.grpc.clients.featurestore.host=127.0.0.1",
                "-Dquarkus.grpc.clients.featurestore.port=" + ports.get(ServiceKind.FEATURE_STORE),
                "-Dquarkus.grpc.clients.registry.host=127.0.0.1",
                "-Dquarkus.grpc.clients.registry.port=" + ports.get(ServiceKind.REGISTRY),
                "-Dquarkus.grpc.clients.training.host=127.0.0.1",
                "-Dquarkus.grpc.clients.training.port=" + ports.get(ServiceKind.TRAINING)));
        command.addAll(serviceSettings(kind, stores));
        command.add("-jar");
        command.add(jarOf(kind).toString());

        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(runDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(runDir.resolve("logs/" + kind.module() + ".log").toFile());
        builder.environment().put("OPT_OUT_TRACKING", "true");
        builder.environment().put("DJL_OFFLINE", "true");
        // XGBoost's OpenMP threads otherwise spin while idle, stealing the cores that serving
        // and the other services need (training measured 10-50x slower on two cores).
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        return launch(builder, kind.module());
    }

    private List<String> serviceSettings(ServiceKind kind, Stores stores) {
        Path data = runDir.resolve("data");
        String redisUrl = stores.redisUrl() == null ? "" : stores.redisUrl();
        return switch (kind) {
            case FEATURE_STORE -> List.of(
                    "-Dmlmesh.featurestore.data-dir=" + data.resolve("feature-store"),
                    "-Dmlmesh.featurestore.redis-url=" + redisUrl,
                    "-Dmlmesh.featurestore.key-prefix=" + featureStoreKeyPrefix(stores));
            case REGISTRY -> stores.registryJdbcUrl() == null
                    ? List.of("-Dmlmesh.registry.data-dir=" + data.resolve("registry"))
                    : List.of("-Dmlmesh.registry.data-dir=" + data.resolve("registry"),
                            "-Dmlmesh.registry.jdbc-url=" + stores.registryJdbcUrl());
            case TRAINING -> List.of("-Dmlmesh.training.data-dir=" + data.resolve("training"));
            case INFERENCE -> stores.feedbackKeyPrefix().isEmpty() ? List.of() : List.of(
                    "-Dmlmesh.inference.prediction-log.redis-url=" + redisUrl,
                    "-Dmlmesh.inference.prediction-log.stream-key="
                            + predictionStreamKey(stores.feedbackKeyPrefix()));
            case MONITOR -> stores.feedbackKeyPrefix().isEmpty() ? List.of() : List.of(
                    "-Dmlmesh.monitor.feedback.redis-url=" + redisUrl,
                    "-Dmlmesh.monitor.feedback.stream-key="
                            + predictionStreamKey(stores.feedbackKeyPrefix()),
                    "-Dmlmesh.monitor.feedback.key-prefix="
                            + stores.feedbackKeyPrefix() + "monitor:");
        };
    }

    /** The mesh's own prefix, so that meshes sharing one Redis never share online rows. */
    private static String featureStoreKeyPrefix(Stores stores) {
        return stores.feedbackKeyPrefix().isEmpty()
                ? DEFAULT_FEATURE_STORE_KEY_PREFIX
                : stores.feedbackKeyPrefix();
    }

    private static String predictionStreamKey(String feedbackKeyPrefix) {
        return feedbackKeyPrefix + "predictions";
    }

    private Process launch(ProcessBuilder builder, String name) {
        try {
            Process process = builder.start();
            started.add(process.toHandle());
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private void awaitHealthy(MeshState state) {
        long deadlineNanos = System.nanoTime() + HEALTH_TIMEOUT.toNanos();
        for (ServiceKind kind : ServiceKind.values()) {
            MeshState.Endpoint endpoint = state.services().get(kind);
            while (!isServing(endpoint.port())) {
                checkAlive(kind, endpoint);
                if (System.nanoTime() > deadlineNanos) {
                    throw new IllegalStateException(kind.module() + " not healthy after "
                            + HEALTH_TIMEOUT.toSeconds() + " s; see " + logOf(kind));
                }
                sleepMillis(200);
            }
            out.printf("  %-18s healthy on 127.0.0.1:%d (pid %d)%n", kind.module(),
                    endpoint.port(), endpoint.pid());
        }
    }

    private void checkAlive(ServiceKind kind, MeshState.Endpoint endpoint) {
        boolean alive = ProcessHandle.of(endpoint.pid()).map(ProcessHandle::isAlive)
                .orElse(false);
        if (!alive) {
            throw new IllegalStateException(kind.module() + " exited during start-up; last"
                    + " lines of " + logOf(kind) + ":\n" + tail(logOf(kind), 15));
        }
    }

    private Path logOf(ServiceKind kind) {
        return runDir.resolve("logs/" + kind.module() + ".log");
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private Path jarOf(ServiceKind kind) {
        return home.resolve(kind.module()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the mesh", e);
        }
    }
}
