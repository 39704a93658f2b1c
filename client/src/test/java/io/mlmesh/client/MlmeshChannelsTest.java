package io.mlmesh.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.ServerLiveRequest;
import io.mlmesh.oip.ServerLiveResponse;
import io.mlmesh.oip.ServerMetadataRequest;
import io.mlmesh.oip.ServerMetadataResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The channel's service config, setting checks, and the retry policy and deadlines against a
 * real gRPC server on loopback whose answers the test scripts.
 */
class MlmeshChannelsTest {

    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void close() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void serviceConfig_defaults_roundRobinAndRetryOnUnavailableOnly() {
        Map<String, Object> config = MlmeshChannels.serviceConfig(
                ChannelSettings.defaults("dns:///inference:9104"));

        assertEquals(List.of(Map.of("round_robin", Map.of())), config.get("loadBalancingConfig"));
        Map<String, Object> retryPolicy = Map.of(
                "maxAttempts", 3.0,
                "initialBackoff", "0.050000000s",
                "maxBackoff", "1.000000000s",
                "backoffMultiplier", 2.0,
                "retryableStatusCodes", List.of("UNAVAILABLE"));
        assertEquals(List.of(Map.of("name", List.of(Map.of()), "retryPolicy", retryPolicy)),
                config.get("methodConfig"));
    }

    @Test
    void dnsTarget_hostAndPort_dnsSchemeWithEmptyAuthority() {
        assertEquals("dns:///mlmesh-inference-svc.ml:9104",
                ChannelSettings.dnsTarget("mlmesh-inference-svc.ml", 9104));
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> ChannelSettings.dnsTarget("inference", 0));
        assertEquals("port must be between 1 and 65535, was 0", failure.getMessage());
    }

    @Test
    void settings_oneAttempt_rejectedNamingMaxAttempts() {
        ChannelSettings defaults = ChannelSettings.defaults("dns:///inference:9104");

        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> defaults.withRetry(1, Duration.ofMillis(50), Duration.ofSeconds(1)));

        assertEquals("maxAttempts must be between 2 and 5, was 1", failure.getMessage());
    }

    @Test
    void settings_maxBackoffBelowInitial_rejectedNamingBoth() {
        ChannelSettings defaults = ChannelSettings.defaults("dns:///inference:9104");

        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> defaults.withRetry(3, Duration.ofSeconds(2), Duration.ofSeconds(1)));

        assertEquals("maxBackoff PT1S is shorter than initialBackoff PT2S", failure.getMessage());
    }

    @Test
    void open_caFileMissing_failsNamingTheFile() throws IOException {
        Path missing = Files.createTempDirectory("mlmesh-ca").resolve("ca.crt");
        ChannelSettings settings = ChannelSettings.defaults("dns:///inference:9104")
                .withTls(missing);

        UncheckedIOException failure = assertThrows(UncheckedIOException.class,
                () -> MlmeshChannels.open(settings));

        assertEquals("trustedCertificates " + missing + " cannot be read as PEM certificates",
                failure.getMessage());
        Files.delete(missing.getParent());
    }

    @Test
    void settings_caFileWithoutTls_rejectedNamingBoth() {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> new ChannelSettings("dns:///inference:9104", 3, Duration.ofMillis(50),
                        Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30),
                        Duration.ofSeconds(10), 1024, false, Path.of("ca.crt")));

        assertEquals("trustedCertificates ca.crt is set but tls is off", failure.getMessage());
    }

    @Test
    void call_unavailableTwice_succeedsOnTheThirdAttempt() throws IOException {
        ScriptedServer scripted = start(2, Status.UNAVAILABLE);

        boolean live = client().serverLive(Duration.ofSeconds(5));

        assertTrue(live);
        assertEquals(3, scripted.attempts.get());
    }

    @Test
    void call_alwaysUnavailable_failsUnavailableAfterMaxAttempts() throws IOException {
        ScriptedServer scripted = start(Integer.MAX_VALUE, Status.UNAVAILABLE);

        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class,
                () -> client().serverLive(Duration.ofSeconds(5)));

        assertEquals(Status.Code.UNAVAILABLE, failure.getStatus().getCode());
        assertEquals("scripted failure 3", failure.getStatus().getDescription());
        assertEquals(3, scripted.attempts.get());
    }

    @Test
    void call_invalidArgument_isTheAnswerAndNotRetried() throws IOException {
        ScriptedServer scripted = start(1, Status.INVALID_ARGUMENT);

        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class,
                () -> client().serverLive(Duration.ofSeconds(5)));

        assertEquals(Status.Code.INVALID_ARGUMENT, failure.getStatus().getCode());
        assertEquals("scripted failure 1", failure.getStatus().getDescription());
        assertEquals(1, scripted.attempts.get());
    }

    @Test
    void call_serverSlowerThanDeadline_deadlineExceeded() throws IOException {
        start(0, Status.OK);

        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class,
                () -> client().serverMetadata(Duration.ofMillis(100)));

        assertEquals(Status.Code.DEADLINE_EXCEEDED, failure.getStatus().getCode());
    }

    @Test
    void predict_zeroDeadline_rejectedBeforeAnyCall() {
        channel = MlmeshChannels.open("dns:///127.0.0.1:1");
        InferenceClient client = new InferenceClient(channel, Duration.ofSeconds(1));

        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> client.predict(PredictRequest.getDefaultInstance(), Duration.ZERO));

        assertEquals("deadline must be positive, was PT0S", failure.getMessage());
    }

    private InferenceClient client() {
        return new InferenceClient(channel, Duration.ofSeconds(5));
    }

    private ScriptedServer start(int failures, Status failureStatus) throws IOException {
        ScriptedServer scripted = new ScriptedServer(failures, failureStatus);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(scripted).build().start();
        ChannelSettings settings = ChannelSettings.defaults(
                ChannelSettings.dnsTarget("127.0.0.1", server.getPort()))
                .withRetry(3, Duration.ofMillis(10), Duration.ofMillis(50));
        channel = MlmeshChannels.open(settings);
        return scripted;
    }

    /** ServerLive fails the first {@code failures} attempts; ServerMetadata takes 2 s. */
    private static final class ScriptedServer
            extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

        private final int failures;
        private final Status failureStatus;
        private final AtomicInteger attempts = new AtomicInteger();

        ScriptedServer(int failures, Status failureStatus) {
            this.failures = failures;
            this.failureStatus = failureStatus;
        }

        @Override
        public void serverLive(ServerLiveRequest request,
                StreamObserver<ServerLiveResponse> responses) {
            int attempt = attempts.incrementAndGet();
            if (attempt <= failures) {
                responses.onError(failureStatus.withDescription("scripted failure " + attempt)
                        .asRuntimeException());
                return;
            }

            responses.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
            responses.onCompleted();
        }

        @Override
        public void serverMetadata(ServerMetadataRequest request,
                StreamObserver<ServerMetadataResponse> responses) {
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                responses.onError(Status.CANCELLED.asRuntimeException());
                return;
            }
            responses.onNext(ServerMetadataResponse.newBuilder().setName("slow").build());
            responses.onCompleted();
        }
    }
}
