package io.mlmesh.client;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One packaged inference-svc running as a process on a loopback address, as the balancing test
 * needs it: started, waited for through gRPC health (what the Kubernetes probes ask), asked how
 * many requests it served (its own Prometheus metrics), and killed.
 */
final class InferenceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String host;
    private final int port;
    private final Process process;

    private InferenceProcess(String host, int port, Process process) {
        this.host = host;
        this.port = port;
        this.process = process;
    }

    /** Starts the jar on host:port; logs go to {@code <logDir>/inference-<host>.log}. */
    static InferenceProcess start(Path jar, String host, int port, Path logDir)
            throws IOException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.host=" + host,
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.otel.sdk.disabled=true",
                "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(logDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logDir.resolve("inference-" + host + ".log").toFile());
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");

        return new InferenceProcess(host, port, builder.start());
    }

    String host() {
        return host;
    }

    /** Waits until the process answers gRPC health with SERVING. */
    void awaitServing(Duration timeout) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        ManagedChannel channel = NettyChannelBuilder.forAddress(
                new InetSocketAddress(host, port)).usePlaintext().build();
        try {
            while (System.nanoTime() < deadlineNanos) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("inference-svc on " + host + " exited with "
                            + process.exitValue());
                }
                if (serving(channel)) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("inference-svc on " + host + " not serving after "
                    + timeout);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Requests of one gRPC method this process has answered, from its own metrics: the HTTP
     * server metric of the method's path (gRPC shares the HTTP server here).
     */
    long servedCalls(String fullMethodName) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://" + host + ":" + port + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build();
        String metrics = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();

        Pattern line = Pattern.compile("(?m)^http_server_requests_seconds_count\\{[^}]*uri=\"/"
                + Pattern.quote(fullMethodName) + "\"[^}]*} ([0-9.E]+)(?: #.*)?$");
        Matcher matcher = line.matcher(metrics);
        long total = 0;
        while (matcher.find()) {
            total += (long) Double.parseDouble(matcher.group(1));
        }
        return total;
    }

    /** Kills the process at once, as a crashed pod: open connections are reset. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
        }
    }

    private static boolean serving(ManagedChannel channel) {
        try {
            HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(1, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
        } catch (StatusRuntimeException notYet) {
            return false;
        }
    }
}
