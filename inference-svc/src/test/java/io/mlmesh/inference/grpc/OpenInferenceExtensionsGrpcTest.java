package io.mlmesh.inference.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlmesh.inference.FlightsModel;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.batching.BatchPolicy;
import io.mlmesh.inference.batching.BatchQueues;
import io.mlmesh.inference.batching.BatchScorer;
import io.mlmesh.inference.batching.Priority;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import io.mlmesh.inference.model.ModelCatalog;
import io.mlmesh.inference.model.ModelSelector;
import io.mlmesh.inference.model.RequestSchema;
import io.mlmesh.inference.model.ServingModel;
import io.mlmesh.inference.routing.EndpointRouter;
import io.mlmesh.inference.routing.RoutingSettings;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.InferBatchStatistics;
import io.mlmesh.oip.InferParameter;
import io.mlmesh.oip.InferStatistics;
import io.mlmesh.oip.InferTensorContents;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ModelInferRequest.InferInputTensor;
import io.mlmesh.oip.ModelInferResponse;
import io.mlmesh.oip.ModelReadyRequest;
import io.mlmesh.oip.ModelRepositoryParameter;
import io.mlmesh.oip.ModelStatistics;
import io.mlmesh.oip.ModelStatisticsRequest;
import io.mlmesh.oip.ModelStreamInferResponse;
import io.mlmesh.oip.RepositoryIndexRequest;
import io.mlmesh.oip.RepositoryIndexResponse.ModelIndex;
import io.mlmesh.oip.RepositoryModelLoadRequest;
import io.mlmesh.oip.RepositoryModelUnloadRequest;
import io.mlmesh.oip.RepositoryModelUnloadResponse;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OIP extensions (ModelStreamInfer, ModelStatistics, RepositoryIndex, RepositoryModelLoad,
 * RepositoryModelUnload) over a real gRPC channel, with the flights booster behind a scorer
 * that a marker row holds busy, so that requests can be caught in flight.
 *
 * <p>Loading goes through a stand-in for the registry loader that installs the flights model
 * (no registry runs in this unit test; {@code OpenInferenceRepositoryIT} loads through the
 * real loader from a registry stand-in over gRPC). It records the selector each load asked for.
 */
class OpenInferenceExtensionsGrpcTest {

    private static final String MODEL = FlightsModel.MODEL;
    private static final float BUSY_MARKER = -1000f;
    private static final int STREAM_MAX_IN_FLIGHT = 4;

    private final CountDownLatch busy = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<ModelSelector> selectorsLoaded = new CopyOnWriteArrayList<>();
    private final List<String> unfollowed = new CopyOnWriteArrayList<>();
    private FlightsModel flights;
    private ModelCatalog catalog;
    private BatchQueues queues;
    private Server server;
    private ManagedChannel channel;
    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip;

    @BeforeEach
    void startServer() throws Exception {
        flights = FlightsModel.trained();
        catalog = new ModelCatalog();
        catalog.install(servingModel(1));
        queues = new BatchQueues(new BatchPolicy(64, 0, List.of(), 100, 5_000),
                new SimpleMeterRegistry(), this::slowOnMarker);
        EndpointRouter router = new EndpointRouter(catalog, queues, new SimpleMeterRegistry(),
                new RoutingSettings(10, 1, 1000));
        ModelRepository repository = new ModelRepository(catalog, queues, this::loadStandIn,
                unfollowed::add);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new OpenInferenceGrpcService(catalog, queues, router, repository,
                        STREAM_MAX_IN_FLIGHT, "test"))
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .usePlaintext().build();
        oip = GRPCInferenceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        release.countDown();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void modelStreamInfer_validAndInvalidRequests_answeredInOrderAndStreamGoesOn()
            throws Exception {
        List<float[]> vectors = flights.heldOut().stream().limit(3).map(flights::vectorOf)
                .toList();
        List<ModelInferRequest> requests = List.of(
                withId(requestOf(vectors.get(0)), "0"),
                withId(requestOf(new float[3]), "1"),
                withId(requestOf(vectors.get(1)).toBuilder().setModelName("ghost").build(),
                        "2"),
                withId(requestOf(vectors.get(1)), "3"),
                withId(requestOf(vectors.get(2)).toBuilder().putParameters("priority",
                        InferParameter.newBuilder().setStringParam("high").build()).build(),
                        "4"),
                withId(requestOf(vectors.get(2)), "5"));

        List<ModelStreamInferResponse> answers = stream(requests, 10);

        assertEquals(List.of("0", "1", "2", "3", "4", "5"), answers.stream()
                .map(answer -> answer.getInferResponse().getId()).toList());
        assertScore(vectors.get(0), answers.get(0));
        assertTrue(answers.get(1).getErrorMessage().startsWith("INVALID_ARGUMENT: input 'input'"),
                answers.get(1).getErrorMessage());
        assertEquals("NOT_FOUND: model 'ghost' is not loaded", answers.get(2).getErrorMessage());
        assertScore(vectors.get(1), answers.get(3));
        assertEquals("INVALID_ARGUMENT: parameters[\"priority\"] must be an int64 0 or 1, got "
                + "string_param", answers.get(4).getErrorMessage());
        assertScore(vectors.get(2), answers.get(5));
    }

    @Test
    void modelStreamInfer_modelBusy_readsNoMoreThanMaxInFlightRequests() throws Exception {
        ListenableFuture<ModelInferResponse> blocker = holdModelBusy();
        float[] vector = flights.vectorOf(flights.heldOut().get(0));
        List<ModelInferRequest> requests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            requests.add(withId(requestOf(vector), Integer.toString(i)));
        }
        StreamCollector collector = new StreamCollector();
        StreamObserver<ModelInferRequest> upstream =
                GRPCInferenceServiceGrpc.newStub(channel).modelStreamInfer(collector);
        requests.forEach(upstream::onNext);
        upstream.onCompleted();

        assertWithinSeconds(1, () -> queuedRequests() == STREAM_MAX_IN_FLIGHT);
        Thread.sleep(300);
        assertEquals(STREAM_MAX_IN_FLIGHT, queuedRequests());
        release.countDown();

        assertTrue(collector.done.await(10, TimeUnit.SECONDS));
        assertEquals(20, collector.answers.size());
        for (int i = 0; i < 20; i++) {
            assertEquals(Integer.toString(i), collector.answers.get(i).getInferResponse().getId());
            assertScore(vector, collector.answers.get(i));
        }
        blocker.get(10, TimeUnit.SECONDS);
    }

    @Test
    void modelStatistics_afterKnownCalls_countsMatchWhatRan() throws Exception {
        long startMillis = System.currentTimeMillis();
        ListenableFuture<ModelInferResponse> blocker = holdModelBusy();
        StatusRuntimeException expired = assertThrows(StatusRuntimeException.class,
                () -> oip.withDeadlineAfter(150, TimeUnit.MILLISECONDS)
                        .modelInfer(requestOf(new float[width()])));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, expired.getStatus().getCode());
        release.countDown();
        blocker.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            oip.modelInfer(requestOf(flights.vectorOf(flights.heldOut().get(i))));
        }
        oip.modelInfer(requestOf(new float[width() * 3], 3));

        ModelStatistics statistics = oip.modelStatistics(ModelStatisticsRequest.newBuilder()
                .setName(MODEL).build()).getModelStats(0);

        assertEquals(MODEL, statistics.getName());
        assertEquals("1", statistics.getVersion());
        assertEquals(9, statistics.getInferenceCount());
        assertEquals(7, statistics.getExecutionCount());
        assertTrue(statistics.getLastInference() >= startMillis);
        InferStatistics inference = statistics.getInferenceStats();
        assertEquals(7, inference.getSuccess().getCount());
        assertEquals(1, inference.getFail().getCount());
        assertEquals(7, inference.getQueue().getCount());
        assertEquals(7, inference.getComputeInfer().getCount());
        assertTrue(inference.getFail().getNs() >= TimeUnit.MILLISECONDS.toNanos(100));
        assertTrue(inference.getSuccess().getNs() >= inference.getComputeInfer().getNs());
        List<InferBatchStatistics> batches = statistics.getBatchStatsList();
        assertEquals(List.of(1L, 3L), batches.stream().map(InferBatchStatistics::getBatchSize)
                .toList());
        assertEquals(6, batches.get(0).getComputeInfer().getCount());
        assertEquals(1, batches.get(1).getComputeInfer().getCount());
        assertTrue(batches.get(1).getComputeInfer().getNs() > 0);
    }

    @Test
    void modelStatistics_badNamesOrVersions_statusNamesTheField() {
        assertRefused(Status.Code.NOT_FOUND, "model 'ghost' is not loaded",
                () -> oip.modelStatistics(statisticsOf("ghost", "")));
        assertRefused(Status.Code.NOT_FOUND, "model 'flights-delay' version 9 is not loaded",
                () -> oip.modelStatistics(statisticsOf(MODEL, "9")));
        assertRefused(Status.Code.INVALID_ARGUMENT, "version 'v1' is not a version number",
                () -> oip.modelStatistics(statisticsOf(MODEL, "v1")));
        assertRefused(Status.Code.INVALID_ARGUMENT, "version '1' is set but name is empty",
                () -> oip.modelStatistics(statisticsOf("", "1")));

        ModelStatistics unused = oip.modelStatistics(statisticsOf("", "")).getModelStats(0);
        assertEquals(0, unused.getInferenceCount());
        assertEquals(0, unused.getInferenceStats().getSuccess().getCount());
    }

    @Test
    void repositoryModelUnload_callsInFlight_finishThenModelNotFound() throws Exception {
        ServingModel unloading = catalog.resolve(MODEL, 1);
        ListenableFuture<ModelInferResponse> blocker = holdModelBusy();
        GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub async =
                GRPCInferenceServiceGrpc.newFutureStub(channel);
        List<float[]> vectors = flights.heldOut().stream().limit(3).map(flights::vectorOf)
                .toList();
        List<ListenableFuture<ModelInferResponse>> inFlight = new ArrayList<>();
        vectors.forEach(vector -> inFlight.add(async.modelInfer(requestOf(vector))));
        assertWithinSeconds(1, () -> queuedRequests() == vectors.size());

        ListenableFuture<RepositoryModelUnloadResponse> unload = async.repositoryModelUnload(
                RepositoryModelUnloadRequest.newBuilder().setModelName(MODEL).build());
        assertWithinSeconds(1, () -> !oip.modelReady(ModelReadyRequest.newBuilder()
                .setName(MODEL).build()).getReady());
        assertRefused(Status.Code.NOT_FOUND, "model 'flights-delay' is not loaded",
                () -> oip.modelInfer(requestOf(vectors.get(0))));
        Thread.sleep(200);
        assertFalse(unload.isDone(), "unload returned while calls were in flight");
        release.countDown();

        unload.get(10, TimeUnit.SECONDS);
        assertTrue(blocker.isDone());
        for (int i = 0; i < vectors.size(); i++) {
            assertArrayEquals(flights.scoresOf(vectors.get(i), 1), new float[] {
                inFlight.get(i).get().getOutputs(0).getContents().getFp32Contents(0)});
        }
        assertEquals(List.of(MODEL), unfollowed);
        assertEquals(List.of(index(MODEL, 1, ModelRepository.UNAVAILABLE,
                ModelRepository.UNLOADED_REASON)), indexEntries(false));
        assertEquals(List.of(), indexEntries(true));
        InferenceException refused = assertThrows(InferenceException.class,
                () -> queues.queueOf(unloading).submit(new float[width()], 1, Priority.NORMAL,
                        TimeUnit.SECONDS.toNanos(1)));
        assertEquals(InferenceException.Reason.NOT_FOUND, refused.reason());
    }

    @Test
    void repositoryModelLoad_afterUnload_loadsThroughLoaderAndServesAgain() {
        oip.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                .setModelName(MODEL).build());

        oip.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName(MODEL)
                .putParameters("alias", stringParameter("production")).build());
        oip.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName(MODEL)
                .putParameters("version", ModelRepositoryParameter.newBuilder()
                        .setInt64Param(2).build()).build());
        oip.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName(MODEL)
                .build());

        assertEquals(List.of(ModelSelector.ofAlias("production"), ModelSelector.ofVersion(2),
                ModelSelector.newest()), selectorsLoaded);
        assertEquals(List.of(index(MODEL, 1, ModelRepository.READY, ""),
                index(MODEL, 2, ModelRepository.READY, "")), indexEntries(false));
        float[] vector = flights.vectorOf(flights.heldOut().get(0));
        ModelInferResponse served = oip.modelInfer(requestOf(vector));
        assertEquals("1", served.getModelVersion());
        assertArrayEquals(flights.scoresOf(vector, 1),
                new float[] {served.getOutputs(0).getContents().getFp32Contents(0)});
    }

    @Test
    void repositoryModelUnload_oneVersion_otherVersionServesAsDefault() {
        catalog.install(servingModel(2));

        oip.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder().setModelName(MODEL)
                .putParameters("version", stringParameter("2"))
                .putParameters("unload_dependents", ModelRepositoryParameter.newBuilder()
                        .setBoolParam(false).build())
                .build());

        assertEquals(List.of(MODEL), unfollowed);
        assertEquals(List.of(index(MODEL, 1, ModelRepository.READY, ""),
                index(MODEL, 2, ModelRepository.UNAVAILABLE, ModelRepository.UNLOADED_REASON)),
                indexEntries(false));
        assertEquals("1", oip.modelInfer(requestOf(new float[width()])).getModelVersion());
    }

    @Test
    void repository_badRequests_statusNamesTheField() {
        assertRefused(Status.Code.INVALID_ARGUMENT, "model_name is empty",
                () -> oip.repositoryModelLoad(RepositoryModelLoadRequest.getDefaultInstance()));
        assertRefused(Status.Code.NOT_FOUND, "repository_name 'models' is not a repository",
                () -> oip.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                        .setModelName(MODEL).setRepositoryName("models").build()));
        assertRefused(Status.Code.INVALID_ARGUMENT,
                "parameters[\"config\"] is not supported; RepositoryModelLoad takes [alias, "
                        + "version]",
                () -> oip.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                        .setModelName(MODEL).putParameters("config", stringParameter("{}"))
                        .build()));
        assertRefused(Status.Code.INVALID_ARGUMENT,
                "parameters \"version\" and \"alias\" are both set",
                () -> oip.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                        .setModelName(MODEL).putParameters("alias", stringParameter("prod"))
                        .putParameters("version", stringParameter("2")).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT,
                "parameters[\"version\"] 'two' is not a version number",
                () -> oip.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                        .setModelName(MODEL).putParameters("version", stringParameter("two"))
                        .build()));
        assertRefused(Status.Code.INVALID_ARGUMENT,
                "parameters[\"unload_dependents\"] must be a bool, got string_param",
                () -> oip.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                        .setModelName(MODEL)
                        .putParameters("unload_dependents", stringParameter("yes")).build()));
        assertRefused(Status.Code.NOT_FOUND, "model 'flights-delay' version 9 is not loaded",
                () -> oip.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                        .setModelName(MODEL).putParameters("version", stringParameter("9"))
                        .build()));
        assertRefused(Status.Code.NOT_FOUND, "model 'ghost' is not loaded",
                () -> oip.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                        .setModelName("ghost").build()));

        assertEquals(List.of(), selectorsLoaded);
        assertEquals(List.of(index(MODEL, 1, ModelRepository.READY, "")), indexEntries(false));
    }

    /** The registry loader's stand-in: installs the flights model under the selected number. */
    private ServingModel loadStandIn(String name, ModelSelector selector) {
        selectorsLoaded.add(selector);
        ServingModel loaded = servingModel(selector.version() == 0 ? 1 : selector.version());
        catalog.install(loaded);
        return loaded;
    }

    private ServingModel servingModel(long version) {
        OnlineFeaturePlan online = OnlineFeaturePlan.of(List.of(FlightsModel.ORIGIN_STATS));
        return new ServingModel(MODEL, version, "", "sha", Instant.EPOCH, flights.vectorizer(),
                online, RequestSchema.of(flights.vectorizer().transforms(), online),
                flights.booster());
    }

    private BatchScorer slowOnMarker(ServingModel serving) {
        return (rows, count) -> {
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

    /** Sends the marker row and waits until the model is busy with it. */
    private ListenableFuture<ModelInferResponse> holdModelBusy() throws InterruptedException {
        float[] marker = new float[width()];
        marker[0] = BUSY_MARKER;
        ListenableFuture<ModelInferResponse> blocker =
                GRPCInferenceServiceGrpc.newFutureStub(channel).modelInfer(requestOf(marker));
        assertTrue(busy.await(10, TimeUnit.SECONDS));
        return blocker;
    }

    private int width() {
        return flights.vectorizer().width();
    }

    private int queuedRequests() {
        return queues.queueDepthOf(MODEL, 1);
    }

    private List<ModelStreamInferResponse> stream(List<ModelInferRequest> requests,
            long timeoutSeconds) throws InterruptedException {
        StreamCollector collector = new StreamCollector();
        StreamObserver<ModelInferRequest> upstream =
                GRPCInferenceServiceGrpc.newStub(channel).modelStreamInfer(collector);
        requests.forEach(upstream::onNext);
        upstream.onCompleted();
        assertTrue(collector.done.await(timeoutSeconds, TimeUnit.SECONDS));
        assertEquals(null, collector.failure);
        return collector.answers;
    }

    private List<ModelIndex> indexEntries(boolean readyOnly) {
        return oip.repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(readyOnly)
                .build()).getModelsList();
    }

    private void assertScore(float[] vector, ModelStreamInferResponse answer) {
        assertEquals("", answer.getErrorMessage());
        assertArrayEquals(flights.scoresOf(vector, 1), new float[] {
            answer.getInferResponse().getOutputs(0).getContents().getFp32Contents(0)});
    }

    private static ModelIndex index(String name, long version, String state, String reason) {
        return ModelIndex.newBuilder().setName(name).setVersion(Long.toString(version))
                .setState(state).setReason(reason).build();
    }

    private static ModelStatisticsRequest statisticsOf(String name, String version) {
        return ModelStatisticsRequest.newBuilder().setName(name).setVersion(version).build();
    }

    private static ModelRepositoryParameter stringParameter(String value) {
        return ModelRepositoryParameter.newBuilder().setStringParam(value).build();
    }

    private static ModelInferRequest withId(ModelInferRequest request, String id) {
        return request.toBuilder().setId(id).build();
    }

    private static ModelInferRequest requestOf(float[] row) {
        return requestOf(row, 1);
    }

    private static ModelInferRequest requestOf(float[] values, int rows) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float value : values) {
            contents.addFp32Contents(value);
        }
        return ModelInferRequest.newBuilder()
                .setModelName(MODEL)
                .addInputs(InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(rows).addShape(values.length / rows).setContents(contents))
                .build();
    }

    private static void assertRefused(Status.Code code, String expected,
            org.junit.jupiter.api.function.Executable call) {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, refused.getStatus().getCode(), refused.getStatus().toString());
        assertTrue(refused.getStatus().getDescription().contains(expected),
                refused.getStatus().getDescription());
    }

    private static void assertWithinSeconds(long seconds, BooleanSupplier condition)
            throws InterruptedException {
        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadlineNanos, "condition not met in " + seconds
                    + " s");
            Thread.sleep(10);
        }
    }

    /** The answers of one stream, as the client reads them. */
    private static final class StreamCollector implements StreamObserver<ModelStreamInferResponse> {
        private final List<ModelStreamInferResponse> answers = new CopyOnWriteArrayList<>();
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile Throwable failure;

        @Override
        public void onNext(ModelStreamInferResponse answer) {
            answers.add(answer);
        }

        @Override
        public void onError(Throwable error) {
            failure = error;
            done.countDown();
        }

        @Override
        public void onCompleted() {
            done.countDown();
        }
    }
}
