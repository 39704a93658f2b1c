package io.mlmesh.inference.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlmesh.inference.FlightsModel;
import io.mlmesh.inference.batching.BatchPolicy;
import io.mlmesh.inference.batching.BatchQueues;
import io.mlmesh.inference.batching.BatchScorer;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import io.mlmesh.inference.model.ModelCatalog;
import io.mlmesh.inference.model.RequestSchema;
import io.mlmesh.inference.model.ServingModel;
import io.mlmesh.inference.routing.EndpointRouter;
import io.mlmesh.inference.routing.RoutingSettings;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.InferTensorContents;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ModelInferRequest.InferInputTensor;
import io.mlmesh.oip.ModelInferResponse;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ModelInfer through the batch queue over a real gRPC channel, with the flights booster behind
 * a scorer that a marker row holds busy (the slow model): deadlines and cancellation must take
 * requests out of the queue while the engine is busy, and batched scores must equal
 * single-row ones.
 */
class BatchedInferGrpcTest {

    private static final float BUSY_MARKER = -1000f;
    private static final long POLICY_TIMEOUT_MILLIS = 1000;

    private final CountDownLatch busy = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final Set<Float> distancesScored = ConcurrentHashMap.newKeySet();
    private FlightsModel flights;
    private ServingModel model;
    private BatchQueues queues;
    private Server server;
    private ManagedChannel channel;
    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip;

    @BeforeEach
    void startServer() throws Exception {
        flights = FlightsModel.trained();
        OnlineFeaturePlan online = OnlineFeaturePlan.of(List.of(FlightsModel.ORIGIN_STATS));
        model = new ServingModel(FlightsModel.MODEL, 1, "", "sha", Instant.EPOCH,
                flights.vectorizer(), online,
                RequestSchema.of(flights.vectorizer().transforms(), online), flights.booster());
        ModelCatalog catalog = new ModelCatalog();
        catalog.install(model);
        queues = new BatchQueues(new BatchPolicy(64, 0, List.of(), 100, POLICY_TIMEOUT_MILLIS),
                new SimpleMeterRegistry(), serving -> slowOnMarker(serving));
        EndpointRouter router = new EndpointRouter(catalog, queues, new SimpleMeterRegistry(),
                new RoutingSettings(10, 1, 1000));
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new OpenInferenceGrpcService(catalog, queues, router,
                        new ModelRepository(catalog, queues, (name, selector) -> {
                            throw new UnsupportedOperationException("no registry here");
                        }, name -> { }), 16, "test"))
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .usePlaintext().build();
        oip = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        release.countDown();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void modelInfer_policyTimeoutWhileModelBusy_failsAtTimeoutWithQueueMessage()
            throws Exception {
        holdModelBusy();
        long startNanos = System.nanoTime();

        StatusRuntimeException expired = assertThrows(StatusRuntimeException.class,
                () -> oip.withDeadlineAfter(20, TimeUnit.SECONDS).modelInfer(rowRequest(7)));

        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        assertEquals(Status.Code.DEADLINE_EXCEEDED, expired.getStatus().getCode());
        assertTrue(expired.getStatus().getDescription().startsWith(
                "deadline of " + POLICY_TIMEOUT_MILLIS + " ms passed after "),
                expired.getStatus().getDescription());
        assertTrue(expired.getStatus().getDescription().endsWith(
                "in the queue of model 'flights-delay' version 1; not computed"));
        assertTrue(elapsedMillis >= POLICY_TIMEOUT_MILLIS - 10 && elapsedMillis < 3000,
                "failed after " + elapsedMillis + " ms");
        assertNeverScored(7);
    }

    @Test
    void modelInfer_clientDeadlineWhileModelBusy_leavesQueueAtDeadline() throws Exception {
        holdModelBusy();

        StatusRuntimeException expired = assertThrows(StatusRuntimeException.class,
                () -> oip.withDeadlineAfter(150, TimeUnit.MILLISECONDS)
                        .modelInfer(rowRequest(8)));

        assertEquals(Status.Code.DEADLINE_EXCEEDED, expired.getStatus().getCode());
        assertWithinOneSecond(() -> queues.queueOf(model).queuedRequests() == 0);
        assertNeverScored(8);
    }

    @Test
    void modelInfer_cancelledByClient_leavesQueueAtOnce() throws Exception {
        holdModelBusy();
        Context.CancellableContext call = Context.current().withCancellation();

        call.run(() -> GRPCInferenceServiceGrpc.newFutureStub(channel)
                .modelInfer(rowRequest(9)));
        assertWithinOneSecond(() -> queues.queueOf(model).queuedRequests() == 1);
        call.cancel(null);

        assertWithinOneSecond(() -> queues.queueOf(model).queuedRequests() == 0);
        assertNeverScored(9);
    }

    @Test
    void modelInfer_concurrentRowsWhileBusy_oneBatchEqualToSingleRowScores() throws Exception {
        ListenableFuture<ModelInferResponse> blocker = holdModelBusy();
        List<float[]> vectors = flights.heldOut().stream().map(flights::vectorOf).toList();
        List<ListenableFuture<ModelInferResponse>> answers = new ArrayList<>();
        GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub async =
                GRPCInferenceServiceGrpc.newFutureStub(channel);
        vectors.forEach(vector -> answers.add(async.modelInfer(requestOf(vector))));
        assertWithinOneSecond(
                () -> queues.queueOf(model).queuedRequests() == vectors.size());

        release.countDown();

        for (int i = 0; i < vectors.size(); i++) {
            ModelInferResponse response = answers.get(i).get(10, TimeUnit.SECONDS);
            assertArrayEquals(flights.scoresOf(vectors.get(i), 1), new float[] {
                response.getOutputs(0).getContents().getFp32Contents(0)});
        }
        blocker.get(10, TimeUnit.SECONDS);
        assertEquals(1, queues.statisticsOf(FlightsModel.MODEL, 1).orElseThrow().batches()
                .get(vectors.size()).count());
    }

    /** Sends the marker row and waits until the model is busy with it. */
    private ListenableFuture<ModelInferResponse> holdModelBusy() throws InterruptedException {
        float[] marker = new float[model.width()];
        marker[0] = BUSY_MARKER;
        ListenableFuture<ModelInferResponse> blocker =
                GRPCInferenceServiceGrpc.newFutureStub(channel).modelInfer(requestOf(marker));
        assertTrue(busy.await(10, TimeUnit.SECONDS));
        return blocker;
    }

    private BatchScorer slowOnMarker(ServingModel serving) {
        return (rows, count) -> {
            int width = rows.length / count;
            for (int row = 0; row < count; row++) {
                distancesScored.add(rows[row * width + 3]);
            }
            if (rows[0] == BUSY_MARKER) {
                busy.countDown();
                awaitRelease();
            }
            return serving.predict(rows, count);
        };
    }

    private void awaitRelease() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void assertNeverScored(float distance) throws Exception {
        release.countDown();
        oip.modelInfer(rowRequest(1));
        assertFalse(distancesScored.contains(distance), "row " + distance + " was scored");
    }

    private ModelInferRequest rowRequest(float distance) {
        float[] row = new float[model.width()];
        row[3] = distance;
        return requestOf(row);
    }

    private static ModelInferRequest requestOf(float[] row) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float value : row) {
            contents.addFp32Contents(value);
        }
        return ModelInferRequest.newBuilder()
                .setModelName(FlightsModel.MODEL)
                .addInputs(InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(1).addShape(row.length).setContents(contents))
                .build();
    }

    private static void assertWithinOneSecond(BooleanSupplier condition)
            throws InterruptedException {
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadlineNanos, "condition not met within 1 s");
            Thread.sleep(10);
        }
    }
}
