package io.mlmesh.inference;

import static io.mlmesh.inference.InferencePeers.retryWhileUnavailable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
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
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OIP extensions of the running service over Quarkus's gRPC transport: the repository
 * round trip through the real registry loader, with {@link FakeRegistry} standing in for the
 * registry (the real one is exercised by the lead's end-to-end test), statistics after a known
 * number of calls, and ModelStreamInfer with more requests than a stream may hold in flight.
 *
 * <p>It shares the Quarkus instance with {@link InferenceServiceIT}, so it leaves no model
 * loaded when it ends.
 */
@QuarkusTest
@WithTestResource(PeerPortsResource.class)
class OpenInferenceRepositoryIT {

    private static final String MODEL = FlightsModel.MODEL;

    private static FlightsModel flights;
    private static Server registryPeer;
    private static ManagedChannel channel;
    private static GRPCInferenceServiceBlockingStub oip;

    @BeforeAll
    static void startRegistryAndLoad() throws Exception {
        flights = FlightsModel.trained();
        int registryPort = ConfigProvider.getConfig()
                .getValue("quarkus.grpc.clients.registry.port", Integer.class);
        registryPeer = NettyServerBuilder
                .forAddress(new InetSocketAddress("127.0.0.1", registryPort))
                .addService(new FakeRegistry(flights.bundleBytes())).build().start();
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        oip = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        retryWhileUnavailable(() -> oip.repositoryModelLoad(RepositoryModelLoadRequest
                .newBuilder().setModelName(MODEL).putParameters("alias", ModelRepositoryParameter
                        .newBuilder().setStringParam("production").build())
                .build()));
    }

    @AfterAll
    static void unloadAndStop() throws InterruptedException {
        oip.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                .setModelName(MODEL).build());
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        registryPeer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void repository_unloadDuringCallsThenLoad_callsFinishOrNotFoundAndStatisticsCount()
            throws Exception {
        assertTrue(indexEntries().contains(entry(1, "READY", "")), indexEntries().toString());
        List<float[]> vectors = flights.heldOut().stream().map(flights::vectorOf).toList();
        GRPCInferenceServiceGrpc.GRPCInferenceServiceFutureStub async =
                GRPCInferenceServiceGrpc.newFutureStub(channel);
        List<ListenableFuture<ModelInferResponse>> calls = new ArrayList<>();
        vectors.forEach(vector -> calls.add(async.modelInfer(requestOf(vector))));

        oip.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                .setModelName(MODEL).build());

        for (int i = 0; i < calls.size(); i++) {
            assertScoredOrNotFound(vectors.get(i), calls.get(i));
        }
        StatusRuntimeException refused = assertNotFound(vectors.get(0));
        assertTrue(refused.getStatus().getDescription().contains("model 'flights-delay' is "
                + "not loaded"), refused.getStatus().getDescription());
        assertFalse(oip.modelReady(ModelReadyRequest.newBuilder().setName(MODEL).build())
                .getReady());
        assertTrue(indexEntries().contains(entry(1, "UNAVAILABLE",
                "unloaded by RepositoryModelUnload")), indexEntries().toString());

        oip.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName(MODEL)
                .putParameters("version", ModelRepositoryParameter.newBuilder()
                        .setStringParam("1").build()).build());
        for (int i = 0; i < 4; i++) {
            assertScore(vectors.get(i), oip.modelInfer(requestOf(vectors.get(i))));
        }

        ModelStatistics statistics = oip.modelStatistics(ModelStatisticsRequest.newBuilder()
                .setName(MODEL).setVersion("1").build()).getModelStats(0);
        assertTrue(indexEntries().contains(entry(1, "READY", "")), indexEntries().toString());
        assertEquals(4, statistics.getInferenceCount());
        assertEquals(4, statistics.getExecutionCount());
        assertEquals(4, statistics.getInferenceStats().getSuccess().getCount());
        assertEquals(0, statistics.getInferenceStats().getFail().getCount());
        assertEquals(4, statistics.getBatchStats(0).getComputeInfer().getCount());
    }

    @Test
    void modelStreamInfer_moreRequestsThanInFlightLimit_allAnsweredInOrder() throws Exception {
        List<float[]> vectors = flights.heldOut().stream().map(flights::vectorOf).toList();
        List<ModelInferRequest> requests = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            ModelInferRequest request = i % 3 == 2
                    ? requestOf(new float[2])
                    : requestOf(vectors.get(i));
            requests.add(request.toBuilder().setId("r" + i).build());
        }
        List<ModelStreamInferResponse> answers = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<ModelInferRequest> upstream = GRPCInferenceServiceGrpc.newStub(channel)
                .modelStreamInfer(new StreamObserver<>() {
                    @Override
                    public void onNext(ModelStreamInferResponse answer) {
                        answers.add(answer);
                    }

                    @Override
                    public void onError(Throwable failure) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });

        requests.forEach(upstream::onNext);
        upstream.onCompleted();

        assertTrue(done.await(20, TimeUnit.SECONDS), "stream not completed");
        assertEquals(requests.size(), answers.size());
        for (int i = 0; i < requests.size(); i++) {
            ModelStreamInferResponse answer = answers.get(i);
            assertEquals("r" + i, answer.getInferResponse().getId());
            if (i % 3 == 2) {
                assertTrue(answer.getErrorMessage().startsWith("INVALID_ARGUMENT: input "
                        + "'input'"), answer.getErrorMessage());
            } else {
                assertEquals("", answer.getErrorMessage());
                assertScore(vectors.get(i), answer.getInferResponse());
            }
        }
    }


    /**
     * Scored, or refused because the model was gone: NOT_FOUND, or UNAVAILABLE for a call that
     * took the queue in the instant before it closed.
     */
    private static void assertScoredOrNotFound(float[] vector,
            ListenableFuture<ModelInferResponse> call) throws Exception {
        try {
            assertScore(vector, call.get(10, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            Status status = Status.fromThrowable(e.getCause());
            boolean racedTheClose = status.getCode() == Status.Code.UNAVAILABLE
                    && status.getDescription().endsWith(" is unloaded");
            assertTrue(status.getCode() == Status.Code.NOT_FOUND || racedTheClose,
                    status.toString());
        }
    }

    private static StatusRuntimeException assertNotFound(float[] vector) {
        try {
            oip.modelInfer(requestOf(vector));
        } catch (StatusRuntimeException e) {
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
            return e;
        }
        throw new AssertionError("ModelInfer served after the model was unloaded");
    }

    private static void assertScore(float[] vector, ModelInferResponse response) {
        assertArrayEquals(flights.scoresOf(vector, 1),
                new float[] {response.getOutputs(0).getContents().getFp32Contents(0)});
    }

    private static List<ModelIndex> indexEntries() {
        return oip.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModelsList();
    }

    private static ModelIndex entry(long version, String state, String reason) {
        return ModelIndex.newBuilder().setName(MODEL).setVersion(Long.toString(version))
                .setState(state).setReason(reason).build();
    }

    private static ModelInferRequest requestOf(float[] row) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float value : row) {
            contents.addFp32Contents(value);
        }
        return ModelInferRequest.newBuilder()
                .setModelName(MODEL)
                .addInputs(InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(1).addShape(row.length).setContents(contents))
                .build();
    }
}
