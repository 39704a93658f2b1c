package io.mlmesh.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three real inference-svc processes behind one name, and a client channel from
 * {@link MlmeshChannels} that spreads its calls over them and survives losing one.
 *
 * <p>How "one name" is made: the three processes listen on the same port of three loopback
 * addresses (127.0.0.1, 127.0.0.2, 127.0.0.3: Linux routes all of 127.0.0.0/8 to the loopback
 * interface, and {@code quarkus.http.host} binds one of them), and the test JVM resolves
 * {@code inference.mlmesh.test} to those three addresses through a hosts file handed to the
 * JDK's resolver ({@code -Djdk.net.hosts.file}, set by the build). So the client runs its
 * production path unchanged: a {@code dns:///} target, grpc-java's own DNS resolver and
 * round_robin, as against a headless Kubernetes Service (one address per ready pod). A
 * test-only NameResolverProvider was not used because it would replace the very resolver the
 * library relies on.
 *
 * <p>Which process answered is read on the server side, from each process's own Prometheus
 * metrics (the request count of the gRPC method's path), and on the client side, from the
 * remote address of each call's transport; both must agree.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancedInferenceIT {

    private static final String NAME = "inference.mlmesh.test";
    private static final List<String> HOSTS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
    private static final String METADATA = GRPCInferenceServiceGrpc.getServerMetadataMethod()
            .getFullMethodName();
    private static final String PREDICT = "mlmesh.inference.v1.Predictor/Predict";
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private static final Map<String, AtomicLong> ANSWERED_BY = new ConcurrentHashMap<>();
    private static final List<InferenceProcess> PROCESSES = new ArrayList<>();
    private static ManagedChannel channel;
    private static InferenceClient client;

    @BeforeAll
    static void startThreeProcesses() throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("mlmesh.inference.jar"));
        assertTrue(Files.isRegularFile(jar), "package inference-svc first: " + jar);
        Path logDir = Files.createDirectories(Path.of(System.getProperty("mlmesh.it.dir",
                "target/balancing-it")));
        int port = freeLoopbackPort();
        for (String host : HOSTS) {
            PROCESSES.add(InferenceProcess.start(jar, host, port, logDir));
        }
        for (InferenceProcess process : PROCESSES) {
            process.awaitServing(Duration.ofSeconds(90));
        }

        channel = MlmeshChannels.open(ChannelSettings.dnsTarget(NAME, port));
        client = new InferenceClient(ClientInterceptors.intercept(channel,
                new RemoteAddressCounter()), DEADLINE);
        connectToAll();
    }

    @AfterAll
    static void stopProcesses() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        for (InferenceProcess process : PROCESSES) {
            process.close();
        }
    }

    @Test
    @Order(1)
    void calls_threeProcessesBehindOneName_spreadEvenly() throws Exception {
        int calls = 300;

        Map<String, Long> served = sendAndCount(calls, PROCESSES);

        for (String host : HOSTS) {
            double share = served.get(host) / (double) calls;
            assertEquals(1.0 / 3, share, 0.05, host + " served " + served);
            assertEquals(served.get(host), answeredBy(host), "client and server disagree");
        }
    }

    @Test
    @Order(2)
    void predict_badRequestThroughBalancedChannel_invalidArgumentAnsweredOnce() throws Exception {
        Map<String, Long> before = servedPerProcess(PREDICT, PROCESSES);

        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class,
                () -> client.predict(PredictRequest.getDefaultInstance(), DEADLINE));

        assertEquals(Status.Code.INVALID_ARGUMENT, failure.getStatus().getCode());
        assertTrue(failure.getStatus().getDescription().contains("model is empty"),
                failure.getStatus().getDescription());
        Map<String, Long> served = minus(servedPerProcess(PREDICT, PROCESSES), before);
        assertEquals(1, served.values().stream().mapToLong(Long::longValue).sum(),
                "not retried: " + served);
    }

    @Test
    @Order(3)
    void calls_oneProcessKilledUnderLoad_everyCallStillSucceeds() throws Exception {
        InferenceProcess victim = PROCESSES.get(1);
        List<InferenceProcess> survivors = List.of(PROCESSES.get(0), PROCESSES.get(2));
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicLong succeeded = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService senders = Executors.newFixedThreadPool(2);
        for (int i = 0; i < 2; i++) {
            senders.submit(() -> sendUntilStopped(running, succeeded, failures));
        }

        Thread.sleep(300);
        victim.kill();
        Thread.sleep(700);
        running.set(false);
        senders.shutdown();
        assertTrue(senders.awaitTermination(30, TimeUnit.SECONDS));

        assertEquals(List.of(), failures);
        assertTrue(succeeded.get() > 20, "calls during the kill: " + succeeded.get());
        int calls = 200;
        Map<String, Long> served = sendAndCount(calls, survivors);
        for (InferenceProcess survivor : survivors) {
            double share = served.get(survivor.host()) / (double) calls;
            assertEquals(0.5, share, 0.05, survivor.host() + " served " + served);
        }
        assertEquals(0, answeredBy(victim.host()));
    }

    /**
     * Sends ServerMetadata calls one after the other and returns how many each process says it
     * served; asserts that together they served them all.
     */
    private static Map<String, Long> sendAndCount(int calls, List<InferenceProcess> processes)
            throws IOException, InterruptedException {
        Map<String, Long> before = servedPerProcess(METADATA, processes);
        ANSWERED_BY.clear();

        for (int i = 0; i < calls; i++) {
            client.serverMetadata(DEADLINE);
        }

        Map<String, Long> served = minus(servedPerProcess(METADATA, processes), before);
        assertEquals(calls, served.values().stream().mapToLong(Long::longValue).sum(), "" + served);
        return served;
    }

    private static void sendUntilStopped(AtomicBoolean running, AtomicLong succeeded,
            List<Throwable> failures) {
        while (running.get()) {
            try {
                client.serverMetadata(DEADLINE);
                succeeded.incrementAndGet();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
    }

    /** Calls until each of the three processes has answered once: every connection is up. */
    private static void connectToAll() {
        long deadlineNanos = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ANSWERED_BY.size() < HOSTS.size() && System.nanoTime() < deadlineNanos) {
            client.serverMetadata(DEADLINE);
        }
        assertEquals(HOSTS.size(), ANSWERED_BY.size(), "answered by " + ANSWERED_BY.keySet());
    }

    private static long answeredBy(String host) {
        AtomicLong count = ANSWERED_BY.get(host);
        return count == null ? 0 : count.get();
    }

    private static Map<String, Long> servedPerProcess(String method,
            List<InferenceProcess> processes) throws IOException, InterruptedException {
        Map<String, Long> served = new LinkedHashMap<>();
        for (InferenceProcess process : processes) {
            served.put(process.host(), process.servedCalls(method));
        }
        return served;
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> difference = new LinkedHashMap<>();
        after.forEach((host, count) -> difference.put(host, count - before.get(host)));
        return difference;
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** Counts, per remote host, the calls whose response headers came back. */
    private static final class RemoteAddressCounter implements ClientInterceptor {

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
                CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(
                    next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    ClientCall<Q, R> call = this;
                    super.start(new ForwardingClientCallListener
                            .SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onHeaders(Metadata responseHeaders) {
                            count(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
                            super.onHeaders(responseHeaders);
                        }
                    }, headers);
                }
            };
        }

        private static void count(SocketAddress address) {
            if (address instanceof InetSocketAddress inet) {
                ANSWERED_BY.computeIfAbsent(inet.getAddress().getHostAddress(),
                        host -> new AtomicLong()).incrementAndGet();
            }
        }
    }
}
