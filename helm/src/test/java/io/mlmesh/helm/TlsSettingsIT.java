package io.mlmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.mlmesh.client.ChannelSettings;
import io.mlmesh.client.MlmeshChannels;
import io.mlmesh.inference.v1.LoadModelRequest;
import io.mlmesh.inference.v1.PredictorGrpc;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.ServerReadyRequest;
import io.mlmesh.registry.v1.ListModelsRequest;
import io.mlmesh.registry.v1.RegistryGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TLS settings the chart renders, run by the packaged services: registry-svc and
 * inference-svc start with the chart's {@code tls.properties} (QUARKUS_CONFIG_LOCATIONS, as in
 * the pods), serve gRPC over TLS only on their one port, and inference reaches the registry
 * over TLS trusting the CA. The calls to inference go through the client library's TLS
 * channel trusting the same CA file ({@code ca.crt} of the Secret).
 *
 * <p>What stands in for the cluster: the pods' mount point {@code /etc/mlmesh/tls} is replaced
 * by a temporary folder in the rendered file, and the key pair is a fresh self-signed one made
 * by {@code openssl} for {@code localhost}, which is then also the CA.
 */
class TlsSettingsIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final List<Process> PROCESSES = new ArrayList<>();
    private static Path dir;
    private static int inferencePort;
    private static ManagedChannel tlsChannel;
    private static ManagedChannel registryChannel;

    @BeforeAll
    static void startServicesWithChartTls() throws Exception {
        dir = Files.createDirectories(Path.of(System.getProperty("mlmesh.it.dir",
                "target/tls-it")));
        makeSelfSignedKeyPair();
        Path properties = dir.resolve("tls.properties");
        Files.writeString(properties, renderedTlsProperties().replace("/etc/mlmesh/tls",
                dir.toString()));
        int registryPort = freePort();
        inferencePort = freePort();

        start("registry", registryPort, properties, Map.of(
                "MLMESH_REGISTRY_DATA_DIR", dir.resolve("registry-data").toString()));
        start("inference", inferencePort, properties, Map.of(
                "QUARKUS_GRPC_CLIENTS_REGISTRY_HOST", "localhost",
                "QUARKUS_GRPC_CLIENTS_REGISTRY_PORT", Integer.toString(registryPort)));
        tlsChannel = MlmeshChannels.open(ChannelSettings.defaults(
                ChannelSettings.dnsTarget("localhost", inferencePort))
                .withTls(dir.resolve("ca.crt")));
        registryChannel = tlsChannel(registryPort);
        awaitReady(() -> GRPCInferenceServiceGrpc.newBlockingStub(tlsChannel)
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .serverReady(ServerReadyRequest.getDefaultInstance()));
        awaitReady(() -> RegistryGrpc.newBlockingStub(registryChannel)
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance()));
    }

    @AfterAll
    static void stopServices() throws InterruptedException {
        for (ManagedChannel channel : new ManagedChannel[] {tlsChannel, registryChannel}) {
            if (channel != null) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        for (Process process : PROCESSES) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void serverReady_clientChannelTrustingTheCa_answersOverTls() {
        boolean ready = GRPCInferenceServiceGrpc.newBlockingStub(tlsChannel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .serverReady(ServerReadyRequest.getDefaultInstance()).getReady();

        assertTrue(ready);
    }

    @Test
    void serverReady_plaintextChannel_refusedBecauseNoPlaintextPortIsOpen()
            throws InterruptedException {
        ManagedChannel plaintext = NettyChannelBuilder.forAddress("localhost", inferencePort)
                .usePlaintext().build();
        try {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> GRPCInferenceServiceGrpc.newBlockingStub(plaintext)
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .serverReady(ServerReadyRequest.getDefaultInstance()));

            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
        } finally {
            plaintext.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void loadModel_unknownModel_registryAnswersThroughThePeerTlsChannel() {
        StatusRuntimeException notFound = assertThrows(StatusRuntimeException.class,
                () -> PredictorGrpc.newBlockingStub(tlsChannel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .loadModel(LoadModelRequest.newBuilder().setModel("no-such-model")
                                .build()));

        assertEquals(Status.Code.NOT_FOUND, notFound.getStatus().getCode(),
                "the registry's answer, not a failed TLS handshake: " + notFound.getStatus());
        assertTrue(notFound.getStatus().getDescription().contains("no-such-model"),
                notFound.getStatus().getDescription());
    }

    private static String renderedTlsProperties() {
        return RenderedChart.render("tls.yaml").named(ConfigMap.class, "tls").getData()
                .get("tls.properties");
    }

    private static void makeSelfSignedKeyPair() throws IOException, InterruptedException {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048",
                "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost",
                "-keyout", dir.resolve("tls.key").toString(),
                "-out", dir.resolve("tls.crt").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();

        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
        assertEquals(0, openssl.exitValue(), Files.readString(dir.resolve("openssl.log")));
        Files.copy(dir.resolve("tls.crt"), dir.resolve("ca.crt"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static void start(String service, int port, Path properties,
            Map<String, String> settings) throws IOException {
        Path jar = Path.of(System.getProperty("mlmesh." + service + ".jar"));
        assertTrue(Files.isRegularFile(jar), "package " + service + "-svc first: " + jar);
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx200m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(service + ".log").toFile());
        Map<String, String> environment = builder.environment();
        environment.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        environment.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        environment.put("QUARKUS_OTEL_SDK_DISABLED", "true");
        environment.put("QUARKUS_CONFIG_LOCATIONS", properties.toString());
        environment.put("OMP_WAIT_POLICY", "PASSIVE");
        environment.putAll(settings);

        PROCESSES.add(builder.start());
    }

    private static ManagedChannel tlsChannel(int port) throws IOException {
        return NettyChannelBuilder.forAddress("localhost", port)
                .sslContext(GrpcSslContexts.forClient()
                        .trustManager(dir.resolve("ca.crt").toFile()).build())
                .build();
    }

    /** Repeats a call over TLS until it answers, while every process is alive. */
    private static void awaitReady(Runnable call) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadlineNanos) {
            for (Process process : PROCESSES) {
                assertTrue(process.isAlive(), "a service exited; see the logs in " + dir);
            }
            try {
                call.run();
                return;
            } catch (StatusRuntimeException notYet) {
                Thread.sleep(250);
            }
        }
        throw new IllegalStateException("no answer over TLS after " + START_TIMEOUT
                + "; see the logs in " + dir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
