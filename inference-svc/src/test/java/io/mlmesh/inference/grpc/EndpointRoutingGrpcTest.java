package io.mlmesh.inference.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlmesh.inference.FlightsModel;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.batching.BatchPolicy;
import io.mlmesh.inference.batching.BatchQueues;
import io.mlmesh.inference.batching.BatchScorer;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import io.mlmesh.inference.model.ModelCatalog;
import io.mlmesh.inference.model.RequestSchema;
import io.mlmesh.inference.model.ServingModel;
import io.mlmesh.inference.routing.EndpointRouter;
import io.mlmesh.inference.routing.RoutingSettings;
import io.mlmesh.inference.v1.CanaryPolicy;
import io.mlmesh.inference.v1.Endpoint;
import io.mlmesh.inference.v1.EndpointShadow;
import io.mlmesh.inference.v1.EndpointStatus;
import io.mlmesh.inference.v1.EndpointVariant;
import io.mlmesh.inference.v1.GetEndpointRequest;
import io.mlmesh.inference.v1.ListEndpointsRequest;
import io.mlmesh.inference.v1.PredictorGrpc;
import io.mlmesh.inference.v1.SetEndpointRequest;
import io.mlmesh.inference.v1.ShadowStats;
import io.mlmesh.inference.v1.VariantStats;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.InferParameter;
import io.mlmesh.oip.InferTensorContents;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ModelInferRequest.InferInputTensor;
import io.mlmesh.oip.ModelInferResponse;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Endpoints over real gRPC channels: definitions through Predictor's endpoint RPCs, traffic
 * through OIP ModelInfer naming the endpoint. The catalog holds the real flights booster as
 * versions 1, 2 and 3; each version's scorer can be switched to fail or to hang for 30 s (the
 * slow model), so that shadow isolation and canary rollback meet real failing versions.
 * Version 4 is never loaded.
 */
class EndpointRoutingGrpcTest {

    private static final String MODEL = FlightsModel.MODEL;
    private static final long SLOW_MILLIS = 30_000;

    /** What a version's scorer does. */
    private enum Behaviour {
        SCORE,
        FAIL,
        DELAY_50_MS,
        HANG_30_S
    }

    private final Map<Long, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private FlightsModel flights;
    private List<float[]> vectors;
    private SimpleMeterRegistry meters;
    private EndpointRouter router;
    private Server server;
    private ManagedChannel channel;
    private PredictorGrpc.PredictorBlockingStub predictor;
    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip;

    @BeforeEach
    void startServer() throws Exception {
        flights = FlightsModel.trained();
        vectors = flights.heldOut().stream().map(flights::vectorOf).toList();
        OnlineFeaturePlan online = OnlineFeaturePlan.of(List.of(FlightsModel.ORIGIN_STATS));
        ModelCatalog catalog = new ModelCatalog();
        for (long version = 1; version <= 3; version++) {
            catalog.install(new ServingModel(MODEL, version, "", "sha", Instant.EPOCH,
                    flights.vectorizer(), online,
                    RequestSchema.of(flights.vectorizer().transforms(), online),
                    flights.booster()));
            behaviours.put(version, Behaviour.SCORE);
        }
        meters = new SimpleMeterRegistry();
        BatchQueues queues = new BatchQueues(new BatchPolicy(64, 0, List.of(), 100, 60_000),
                meters, this::scorerOf);
        router = new EndpointRouter(catalog, queues, meters, new RoutingSettings(64, 1, 60_000));
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new PredictorGrpcService(catalog, null, null, queues, router, null))
                .addService(new OpenInferenceGrpcService(catalog, queues, router,
                        new ModelRepository(catalog, queues, (name, selector) -> {
                            throw new UnsupportedOperationException("no registry here");
                        }, name -> { }), 16, "test"))
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .usePlaintext().build();
        predictor = PredictorGrpc.newBlockingStub(channel);
        oip = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        releaseSlow.countDown();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void setEndpoint_invalidDefinitions_refusedNamingFieldAndNothingChanges() {
        assertRefused(Status.Code.INVALID_ARGUMENT,
                "variants[1].weight must be 0 to 1000000, got -5",
                endpoint("ab", variant("blue", 1, 90), variant("green", 2, -5)));
        assertRefused(Status.Code.INVALID_ARGUMENT,
                "endpoint 'ab': variant weights are all zero; at least one must be positive",
                endpoint("ab", variant("blue", 1, 0), variant("green", 2, 0)));
        assertRefused(Status.Code.INVALID_ARGUMENT,
                "endpoint 'ab' has two variants or shadows named 'blue'",
                endpoint("ab", variant("blue", 1, 50), variant("blue", 2, 50)));
        assertRefused(Status.Code.INVALID_ARGUMENT,
                "shadows[0].sample_rate must be 0 to 1, got 1.5",
                endpoint("ab", variant("blue", 1, 1)).toBuilder()
                        .addShadows(shadow("mirror", 2, 1.5)).build());
        assertRefused(Status.Code.INVALID_ARGUMENT, "endpoint 'ab' has no variants",
                Endpoint.newBuilder().setName("ab").build());
        assertRefused(Status.Code.INVALID_ARGUMENT, "endpoint.name is empty",
                endpoint("", variant("blue", 1, 1)));
        assertRefused(Status.Code.INVALID_ARGUMENT,
                "canary.variant 'red' is not a variant of endpoint 'ab'",
                endpoint("ab", variant("blue", 1, 1), variant("green", 2, 1)).toBuilder()
                        .setCanary(canary("red", 0.1, 0, 10, 5)).build());
        assertRefused(Status.Code.INVALID_ARGUMENT,
                "canary.window_seconds must be 1 to 3600, got 0",
                endpoint("ab", variant("blue", 1, 1), variant("green", 2, 1)).toBuilder()
                        .setCanary(canary("green", 0.1, 0, 0, 5)).build());
        assertRefused(Status.Code.INVALID_ARGUMENT,
                "canary needs a stable variant: endpoint 'ab' has only the canary",
                endpoint("ab", variant("green", 2, 1)).toBuilder()
                        .setCanary(canary("green", 0.1, 0, 10, 5)).build());
        assertRefused(Status.Code.NOT_FOUND, "variants[1] ('green'): model 'flights-delay' "
                        + "version 9 is not loaded; loaded versions: [1, 2, 3]",
                endpoint("ab", variant("blue", 1, 1), variant("green", 9, 1)));
        assertRefused(Status.Code.NOT_FOUND, "variants[0] ('blue'): model 'other' is not loaded",
                endpoint("ab", EndpointVariant.newBuilder().setName("blue").setModel("other")
                        .setWeight(1).build()));

        assertEquals(0, predictor.listEndpoints(ListEndpointsRequest.getDefaultInstance())
                .getEndpointsCount());
        StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
                () -> predictor.getEndpoint(GetEndpointRequest.newBuilder().setName("ab").build()));
        assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
        assertEquals("endpoint 'ab' does not exist", missing.getStatus().getDescription());
    }

    @Test
    void modelInfer_weightedEndpoint_splitsWithinToleranceStickyAndNamesVariant() {
        set(endpoint("ab", variant("blue", 1, 80), variant("green", 2, 20)));
        int requests = 2000;
        Map<String, String> variantOfKey = new HashMap<>();
        int green = 0;

        for (int i = 0; i < requests; i++) {
            ModelInferResponse response = infer("ab", "user-" + i, i);
            String variant = response.getParametersOrThrow("variant").getStringParam();
            variantOfKey.put("user-" + i, variant);
            assertEquals(variant.equals("blue") ? "1" : "2", response.getModelVersion());
            assertEquals(flights.scoresOf(vectors.get(i % vectors.size()), 1)[0],
                    response.getOutputs(0).getContents().getFp32Contents(0));
            green += variant.equals("green") ? 1 : 0;
        }

        double greenShare = green / (double) requests;
        assertTrue(Math.abs(greenShare - 0.2) < 0.03, "green share " + greenShare);
        for (int i = 0; i < 200; i++) {
            assertEquals(variantOfKey.get("user-" + i),
                    infer("ab", "user-" + i, i).getParametersOrThrow("variant").getStringParam());
        }
        EndpointStatus status = get("ab");
        assertEquals(green + countOf(variantOfKey, "green", 200),
                statsOf(status, "green").getCalls());
        assertEquals(0, statsOf(status, "blue").getErrors() + statsOf(status, "green").getErrors());
        assertEquals(statsOf(status, "green").getCalls(), meters.get(
                "mlmesh.inference.endpoint.requests").tags("endpoint", "ab", "variant", "green",
                "outcome", "success").timer().count());
    }

    @Test
    void modelInfer_shadowNotLoaded_primaryAnswersAndCopiesCountedFailed() throws Exception {
        set(endpoint("ab", variant("blue", 1, 1)).toBuilder()
                .addShadows(shadow("absent", 4, 1.0)).build());

        assertPrimaryUnaffected(40);

        awaitTrue(() -> shadowOf(get("ab"), "absent").getFailed() == 40);
        assertEquals(0, shadowOf(get("ab"), "absent").getCompared());
    }

    @Test
    void modelInfer_shadowErroring_primaryAnswersAndCopiesCountedFailed() throws Exception {
        behaviours.put(3L, Behaviour.FAIL);
        set(endpoint("ab", variant("blue", 1, 1)).toBuilder()
                .addShadows(shadow("broken", 3, 1.0)).build());

        assertPrimaryUnaffected(40);

        awaitTrue(() -> shadowOf(get("ab"), "broken").getFailed() == 40);
    }

    @Test
    void modelInfer_shadowHangs30s_primaryCallsStayFastAndCopiesNeverBlock() throws Exception {
        behaviours.put(3L, Behaviour.HANG_30_S);
        set(endpoint("ab", variant("blue", 1, 1)).toBuilder()
                .addShadows(shadow("slow", 3, 1.0)).build());
        long startNanos = System.nanoTime();

        long slowestMillis = assertPrimaryUnaffected(200);

        long totalMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertTrue(slowestMillis < 2000, "slowest primary call took " + slowestMillis + " ms");
        assertTrue(totalMillis < SLOW_MILLIS / 3, "200 primary calls took " + totalMillis + " ms");
        awaitTrue(() -> shadowOf(get("ab"), "slow").getSent()
                + shadowOf(get("ab"), "slow").getDropped() == 200);
        ShadowStats slow = shadowOf(get("ab"), "slow");
        // One batch of copies hangs in the engine; at most half the queue (100) waits behind it.
        double waiting = meters.get("mlmesh.inference.queue.depth")
                .tags("model", MODEL, "version", "3").gauge().value();
        assertTrue(waiting <= 50, "copies took over half the batch queue: " + waiting);
        assertTrue(slow.getSent() - waiting <= 64, "more copies in the engine than one batch");
        assertTrue(slow.getDropped() > 0, "no copy was dropped: " + slow);
        assertEquals(0, slow.getCompared());
    }

    @Test
    void modelInfer_shadowOfSameModel_agreementCounted() throws Exception {
        set(endpoint("ab", variant("blue", 1, 1)).toBuilder()
                .addShadows(shadow("twin", 2, 1.0)).build());

        assertPrimaryUnaffected(40);

        awaitTrue(() -> shadowOf(get("ab"), "twin").getCompared() == 40);
        ShadowStats twin = shadowOf(get("ab"), "twin");
        assertEquals(1.0, twin.getAgreementRate());
        assertEquals(0.0, twin.getMeanAbsScoreDiff());
        assertEquals(0, twin.getFailed() + twin.getDropped());
    }

    @Test
    void modelInfer_canaryErrorRateAboveLimit_rollsBackToStable() {
        behaviours.put(2L, Behaviour.FAIL);
        set(endpoint("ab", variant("stable", 1, 70), variant("canary", 2, 30)).toBuilder()
                .setCanary(canary("canary", 0.2, 0, 30, 5)).build());
        String failedKey = null;
        int failures = 0;

        for (int i = 0; i < 300; i++) {
            try {
                assertEquals("stable", infer("ab", "user-" + i, i)
                        .getParametersOrThrow("variant").getStringParam());
            } catch (StatusRuntimeException e) {
                assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
                failedKey = failedKey == null ? "user-" + i : failedKey;
                failures++;
            }
        }

        // The rollback is judged as the 5th failure completes, just after its answer is sent:
        // the client's next call may race it once.
        assertTrue(failures == 5 || failures == 6, failures + " calls failed");
        assertEquals("stable", infer("ab", failedKey, 0).getParametersOrThrow("variant")
                .getStringParam());
        EndpointStatus status = get("ab");
        assertTrue(status.getCanary().getRolledBack());
        assertEquals("error_rate=1.000 > max_error_rate=0.2", status.getCanary().getReason());
        assertTrue(status.getCanary().hasRolledBackAt());
        assertEquals(0, statsOf(status, "canary").getEffectiveWeight());
        assertEquals(100, statsOf(status, "stable").getEffectiveWeight());
        assertEquals(failures, statsOf(status, "canary").getErrors());
    }

    @Test
    void modelInfer_canaryP99AboveLimit_rollsBackWithLatencyReason() throws Exception {
        behaviours.put(2L, Behaviour.DELAY_50_MS);
        set(endpoint("ab", variant("stable", 1, 50), variant("canary", 2, 50)).toBuilder()
                .setCanary(canary("canary", 1.0, 20, 30, 5)).build());

        for (int i = 0; i < 100 && !get("ab").getCanary().getRolledBack(); i++) {
            infer("ab", "user-" + i, i);
        }

        EndpointStatus status = get("ab");
        assertTrue(status.getCanary().getRolledBack());
        assertTrue(status.getCanary().getReason().startsWith("p99_millis="),
                status.getCanary().getReason());
        assertTrue(status.getCanary().getReason().endsWith(" > max_p99_millis=20"));
        assertTrue(status.getCanary().getWindowP99Millis() >= 50);
        assertEquals(0, statsOf(status, "canary").getErrors());
    }

    /** Sends {@code calls} requests; each must answer variant blue with the booster's score. */
    private long assertPrimaryUnaffected(int calls) {
        long slowestNanos = 0;
        for (int i = 0; i < calls; i++) {
            long startNanos = System.nanoTime();
            ModelInferResponse response = oip.withDeadlineAfter(5, TimeUnit.SECONDS)
                    .modelInfer(request("ab", "user-" + i, i));
            slowestNanos = Math.max(slowestNanos, System.nanoTime() - startNanos);
            assertEquals("blue", response.getParametersOrThrow("variant").getStringParam());
            assertEquals(flights.scoresOf(vectors.get(i % vectors.size()), 1)[0],
                    response.getOutputs(0).getContents().getFp32Contents(0));
        }
        return TimeUnit.NANOSECONDS.toMillis(slowestNanos);
    }

    private BatchScorer scorerOf(ServingModel model) {
        return (rows, count) -> {
            switch (behaviours.get(model.version())) {
                case FAIL -> throw new InferenceException(
                        InferenceException.Reason.ENGINE_FAILED, "version failing on purpose");
                case DELAY_50_MS -> pause(50);
                case HANG_30_S -> pause(SLOW_MILLIS);
                default -> {
                }
            }
            return model.predict(rows, count);
        };
    }

    private void pause(long millis) {
        try {
            releaseSlow.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ModelInferResponse infer(String endpoint, String routingKey, int row) {
        return oip.withDeadlineAfter(5, TimeUnit.SECONDS)
                .modelInfer(request(endpoint, routingKey, row));
    }

    private ModelInferRequest request(String endpoint, String routingKey, int row) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float value : vectors.get(row % vectors.size())) {
            contents.addFp32Contents(value);
        }
        return ModelInferRequest.newBuilder()
                .setModelName(endpoint)
                .putParameters("routing_key",
                        InferParameter.newBuilder().setStringParam(routingKey).build())
                .addInputs(InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(1).addShape(flights.vectorizer().width())
                        .setContents(contents))
                .build();
    }

    private void set(Endpoint endpoint) {
        predictor.setEndpoint(SetEndpointRequest.newBuilder().setEndpoint(endpoint).build());
    }

    private EndpointStatus get(String name) {
        return predictor.getEndpoint(GetEndpointRequest.newBuilder().setName(name).build());
    }

    private void assertRefused(Status.Code code, String description, Endpoint endpoint) {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> set(endpoint));
        assertEquals(code, refused.getStatus().getCode());
        assertEquals(description, refused.getStatus().getDescription());
    }

    private static Endpoint endpoint(String name, EndpointVariant... variants) {
        return Endpoint.newBuilder().setName(name).addAllVariants(List.of(variants)).build();
    }

    private static EndpointVariant variant(String name, long version, long weight) {
        return EndpointVariant.newBuilder().setName(name).setModel(MODEL).setVersion(version)
                .setWeight(weight).build();
    }

    private static EndpointShadow shadow(String name, long version, double sampleRate) {
        return EndpointShadow.newBuilder().setName(name).setModel(MODEL).setVersion(version)
                .setSampleRate(sampleRate).build();
    }

    private static CanaryPolicy canary(String variant, double maxErrorRate, long maxP99Millis,
            long windowSeconds, long minCalls) {
        return CanaryPolicy.newBuilder().setVariant(variant).setMaxErrorRate(maxErrorRate)
                .setMaxP99Millis(maxP99Millis).setWindowSeconds(windowSeconds)
                .setMinCalls(minCalls).build();
    }

    private static VariantStats statsOf(EndpointStatus status, String variant) {
        return status.getVariantsList().stream().filter(v -> v.getVariant().equals(variant))
                .findFirst().orElseThrow();
    }

    private static ShadowStats shadowOf(EndpointStatus status, String shadow) {
        return status.getShadowsList().stream().filter(s -> s.getShadow().equals(shadow))
                .findFirst().orElseThrow();
    }

    private static long countOf(Map<String, String> variantOfKey, String variant, int firstKeys) {
        long count = 0;
        for (int i = 0; i < firstKeys; i++) {
            count += variant.equals(variantOfKey.get("user-" + i)) ? 1 : 0;
        }
        return count;
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadlineNanos, "condition not met within 10 s");
            Thread.sleep(20);
        }
    }
}
