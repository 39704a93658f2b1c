package io.mlmesh.inference;

import static io.mlmesh.inference.InferencePeers.retryWhileUnavailable;
import static io.mlmesh.inference.InferencePeers.startPeer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.mlmesh.inference.FlightsModel.Flight;
import io.mlmesh.inference.v1.FieldValue;
import io.mlmesh.inference.v1.ListModelsRequest;
import io.mlmesh.inference.v1.LoadModelRequest;
import io.mlmesh.inference.v1.LoadedModel;
import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.inference.v1.PredictResponse;
import io.mlmesh.inference.v1.PredictorGrpc;
import io.mlmesh.inference.v1.PredictorGrpc.PredictorBlockingStub;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.mlmesh.oip.InferParameter;
import io.mlmesh.oip.InferTensorContents;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ModelInferRequest.InferInputTensor;
import io.mlmesh.oip.ModelInferResponse;
import io.mlmesh.oip.ModelMetadataRequest;
import io.mlmesh.oip.ModelMetadataResponse;
import io.mlmesh.oip.ModelReadyRequest;
import io.mlmesh.oip.ServerLiveRequest;
import io.mlmesh.oip.ServerMetadataRequest;
import io.mlmesh.oip.ServerMetadataResponse;
import io.mlmesh.oip.ServerReadyRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * inference-svc over real gRPC: the running Quarkus test instance, called through Netty
 * channels, with in-test gRPC servers standing in for the registry ({@link FakeRegistry}) and
 * the feature store ({@link FakeFeatureStore}). The real registry, feature store and
 * inference-svc are exercised together by the lead's end-to-end test.
 *
 * <p>The model is a real XGBoost model trained on flights rows in the test; every expected
 * score is computed here with the same bundle's vectorizer and booster.
 */
@QuarkusTest
@WithTestResource(PeerPortsResource.class)
class InferenceServiceIT {

    private static final String MODEL = FlightsModel.MODEL;
    private static final int THREADS = 16;

    private static FlightsModel flights;
    private static FakeRegistry registry;
    private static FakeFeatureStore featureStore;
    private static List<Server> peers;
    private static ManagedChannel channel;
    private static PredictorBlockingStub predictor;
    private static GRPCInferenceServiceBlockingStub oip;
    private static int modelsLoadedAtStart;

    @BeforeAll
    static void startPeersAndLoadModel() throws Exception {
        flights = FlightsModel.trained();
        registry = new FakeRegistry(flights.bundleBytes());
        featureStore = new FakeFeatureStore(flights.originStats());
        peers = List.of(
                startPeer("quarkus.grpc.clients.registry.port", registry),
                startPeer("quarkus.grpc.clients.featurestore.port", featureStore));
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        predictor = PredictorGrpc.newBlockingStub(channel);
        oip = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        modelsLoadedAtStart = predictor.listModels(ListModelsRequest.getDefaultInstance())
                .getModelsCount();
        retryWhileUnavailable(() -> predictor.loadModel(loadAlias("production")));
    }

    @AfterAll
    static void stopPeers() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        for (Server peer : peers) {
            peer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void preload_registryDownAtStart_serviceStartsWithoutModels() {
        assertEquals(0, modelsLoadedAtStart);
        assertTrue(oip.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
    }

    @Test
    void loadModel_alias_becomesDefaultWithVerifiedDigest() {
        LoadedModel loaded = predictor.loadModel(LoadModelRequest.newBuilder()
                .setModel(MODEL).setAlias("production").build());

        assertEquals(1, loaded.getVersion());
        assertEquals("production", loaded.getAlias());
        assertEquals(registry.info().getSha256(), loaded.getArtifactSha256());
        assertEquals(flights.vectorizer().featureNames(), loaded.getFeatureNamesList());
        assertTrue(loaded.getServingDefault());
    }

    @Test
    void loadModel_truncatedArtifact_refusedAndVersionOneKeepsServing() {
        byte[] truncated = registry.truncated();

        StatusRuntimeException refused = assertStatus(Status.Code.FAILED_PRECONDITION,
                () -> predictor.loadModel(loadAlias("truncated")));

        assertContains(refused, "artifact of model 'flights-delay' version 2 failed verification:"
                + " expected " + registry.info().getSizeBytes() + " bytes with sha256 "
                + registry.info().getSha256() + ", received " + truncated.length
                + " bytes with sha256 " + FakeRegistry.sha256(truncated));
        assertVersionOneServes();
    }

    @Test
    void loadModel_tamperedArtifact_refusedNamingBothDigests() {
        StatusRuntimeException refused = assertStatus(Status.Code.FAILED_PRECONDITION,
                () -> predictor.loadModel(loadAlias("tampered")));

        assertContains(refused, "expected " + registry.info().getSizeBytes()
                + " bytes with sha256 " + registry.info().getSha256());
        assertContains(refused, "received " + registry.info().getSizeBytes()
                + " bytes with sha256 " + FakeRegistry.sha256(registry.tampered()));
        assertVersionOneServes();
    }

    @Test
    void loadModel_unknownModelOrAlias_notFound() {
        StatusRuntimeException model = assertStatus(Status.Code.NOT_FOUND,
                () -> predictor.loadModel(LoadModelRequest.newBuilder().setModel("ghost")
                        .setAlias("production").build()));
        StatusRuntimeException alias = assertStatus(Status.Code.NOT_FOUND,
                () -> predictor.loadModel(loadAlias("nightly")));
        StatusRuntimeException empty = assertStatus(Status.Code.INVALID_ARGUMENT,
                () -> predictor.loadModel(LoadModelRequest.newBuilder().setModel(MODEL)
                        .setVersion(0).build()));

        assertContains(model, "registry: model 'ghost' does not exist");
        assertContains(alias, "registry: model 'flights-delay' has no version");
        assertContains(empty, "version must be at least 1, got 0");
        assertVersionOneServes();
    }

    @Test
    void predict_knownEntities_equalsDirectBoosterScore() {
        for (Flight flight : flights.heldOut()) {
            PredictResponse response = predictor.predict(requestOf(flight).build());

            assertEquals(flights.scoreOf(flight), response.getScore(), 0.0, flight.toString());
            assertEquals(MODEL, response.getModel());
            assertEquals(1, response.getVersion());
        }
    }

    @Test
    void predict_returnFeatures_vectorNamesAndStatusesMatchBundle() {
        Flight flight = knownOriginFlight();

        PredictResponse response = predictor.predict(requestOf(flight)
                .setReturnFeatures(true).setRequestId("req-7").build());

        assertArrayEquals(toDoubles(flights.vectorOf(flight)),
                response.getFeaturesList().stream().mapToDouble(Double::doubleValue).toArray());
        assertEquals(flights.vectorizer().featureNames(), response.getFeatureNamesList());
        assertEquals(Map.of("origin_stats__flights", "PRESENT",
                "origin_stats__delay_share", "PRESENT"), response.getFeatureStatusesMap());
        assertEquals("req-7", response.getRequestId());
        assertEquals("default", response.getVariant());
    }

    @Test
    void predict_unknownEntity_succeedsWithMissingFeatures() {
        Flight flight = withOrigin(knownOriginFlight(), "ZZZ");

        PredictResponse response = predictor.predict(requestOf(flight)
                .setReturnFeatures(true).build());

        assertEquals(flights.scoreOf(flight), response.getScore(), 0.0);
        assertEquals(Map.of("origin_stats__flights", "MISSING",
                "origin_stats__delay_share", "MISSING"), response.getFeatureStatusesMap());
        assertTrue(Double.isNaN(response.getFeatures(6)));
        assertTrue(Double.isNaN(response.getFeatures(7)));
    }

    @Test
    void predict_entityKeyOverridesField_staleValuesOutsideMaxAge() {
        Flight flight = knownOriginFlight();

        PredictResponse response = predictor.predict(requestOf(flight)
                .putEntityKeys("origin", FakeFeatureStore.STALE)
                .setReturnFeatures(true).build());

        float[] expected = flights.vectorizer().vectorize(FlightsModel.rowOf(flight, null));
        assertEquals(flights.scoresOf(expected, 1)[0], response.getScore(), 0.0);
        assertEquals(Map.of("origin_stats__flights", "OUTSIDE_MAX_AGE",
                "origin_stats__delay_share", "OUTSIDE_MAX_AGE"),
                response.getFeatureStatusesMap());
    }

    @Test
    void predict_absentField_readAsMissing() {
        Flight flight = knownOriginFlight();
        Flight noDistance = new Flight(flight.dateMicros(), flight.delay(), Double.NaN,
                flight.origin(), flight.destination());

        PredictResponse response = predictor.predict(requestOf(flight)
                .removeFields("distance").setReturnFeatures(true).build());

        assertEquals(flights.scoreOf(noDistance), response.getScore(), 0.0);
        assertTrue(Double.isNaN(response.getFeatures(3)));
    }

    @Test
    void predict_asOfAndDeadline_passedInOneFeatureStoreCall() {
        Flight flight = knownOriginFlight();
        Timestamp asOf = Timestamp.newBuilder().setSeconds(978_310_000L).build();
        featureStore.drain();

        predictor.withDeadlineAfter(5, TimeUnit.SECONDS)
                .predict(requestOf(flight).setAsOf(asOf).build());
        predictor.predict(requestOf(flight).build());

        List<FakeFeatureStore.Received> calls = featureStore.drain();
        assertEquals(2, calls.size());
        assertEquals(asOf, calls.get(0).request().getAsOf());
        assertEquals(1, calls.get(0).request().getLookupsCount());
        assertEquals("origin_stats", calls.get(0).request().getLookups(0).getView());
        assertEquals(1, calls.get(0).request().getLookups(0).getVersion());
        assertEquals(List.of(flight.origin()),
                calls.get(0).request().getLookups(0).getEntityKeysList());
        long withCallerDeadline = calls.get(0).remainingMillis();
        assertTrue(withCallerDeadline > 1000 && withCallerDeadline <= 5000,
                "remaining " + withCallerDeadline);
        long withDefault = calls.get(1).remainingMillis();
        assertTrue(withDefault > 0 && withDefault <= 1000, "remaining " + withDefault);
        assertFalse(calls.get(1).request().hasAsOf());
    }

    @Test
    void predict_featureStoreSlowerThanDefaultTimeout_deadlineExceeded() {
        Flight flight = knownOriginFlight();

        assertPredictRefused(Status.Code.DEADLINE_EXCEEDED,
                requestOf(flight).putEntityKeys("origin", FakeFeatureStore.SLOW),
                "feature store did not answer within the deadline");
        assertVersionOneServes();
    }

    @Test
    void predict_wrongFieldKinds_invalidArgumentNamingFieldAndKinds() {
        Flight flight = knownOriginFlight();

        assertPredictRefused(Status.Code.INVALID_ARGUMENT,
                requestOf(flight).putFields("distance", text("far")),
                "field 'distance': expected number, got text");
        assertPredictRefused(Status.Code.INVALID_ARGUMENT,
                requestOf(flight).putFields("date", number(3)),
                "field 'date': expected timestamp, got number");
        assertPredictRefused(Status.Code.INVALID_ARGUMENT,
                requestOf(flight).putFields("origin", number(1)),
                "field 'origin': expected text, got number");
        assertVersionOneServes();
    }

    @Test
    void predict_fieldTheModelDoesNotRead_invalidArgumentNamingFieldAndInputs() {
        Flight flight = knownOriginFlight();

        assertPredictRefused(Status.Code.INVALID_ARGUMENT,
                requestOf(flight).putFields("distnace", number(500)),
                "field 'distnace' is not read by model '" + FlightsModel.MODEL
                        + "' version 1; it reads [");
        assertVersionOneServes();
    }

    @Test
    void predict_unknownModelOrVersion_notFound() {
        Flight flight = knownOriginFlight();

        assertPredictRefused(Status.Code.NOT_FOUND, requestOf(flight).setModel("ghost"),
                "model 'ghost' is not loaded");
        assertPredictRefused(Status.Code.NOT_FOUND, requestOf(flight).setVersion(9),
                "model 'flights-delay' version 9 is not loaded; loaded versions: [1]");
        assertPredictRefused(Status.Code.INVALID_ARGUMENT, requestOf(flight).setModel(""),
                "model is empty");
        assertVersionOneServes();
    }

    @Test
    void predict_sixteenThreads_equalSingleThreadScores() throws Exception {
        List<Flight> rows = flights.heldOut();
        double[] single = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            single[i] = predictor.predict(requestOf(rows.get(i)).build()).getScore();
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<double[]>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(() -> {
                start.await();
                return predictAll(rows, 5);
            });
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<double[]>> results = new ArrayList<>();
        workers.forEach(worker -> results.add(pool.submit(worker)));
        start.countDown();
        for (Future<double[]> result : results) {
            assertArrayEquals(single, result.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
    }

    @Test
    void modelInfer_fp32Contents_equalsDirectBoosterScores() {
        int rows = flights.heldOut().size();

        ModelInferResponse response = assertInferServes();

        assertEquals("probability", response.getOutputs(0).getName());
        assertEquals("FP32", response.getOutputs(0).getDatatype());
        assertEquals(List.of((long) rows, 1L), response.getOutputs(0).getShapeList());
        assertEquals(0, response.getRawOutputContentsCount());
        assertEquals("1", response.getModelVersion());
        assertEquals("batch-1", response.getId());
    }

    @Test
    void modelInfer_rawContents_answersRawAndEqualsDirectScores() {
        float[] batch = heldOutBatch();
        int rows = flights.heldOut().size();

        ModelInferResponse response = oip.modelInfer(inferRequest(rows, flights
                .vectorizer().width()).addRawInputContents(littleEndian(batch)).build());

        assertFalse(response.getOutputs(0).hasContents());
        float[] scores = new float[rows];
        response.getRawOutputContents(0).asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(scores);
        assertArrayEquals(flights.scoresOf(batch, rows), scores);
        assertEquals(rows * Float.BYTES, response.getRawOutputContents(0).size());
    }

    @Test
    void modelInfer_badTensors_invalidArgumentNamingInputAndCounts() {
        int width = flights.vectorizer().width();

        assertInferRefused(Status.Code.INVALID_ARGUMENT,
                inferRequest(2, 3).setInputs(0, inputOf(2, 3, new float[5])),
                "input 'input': shape [2, 3] needs 6 FP32 values, got 5");
        assertInferRefused(Status.Code.INVALID_ARGUMENT, inferRequest(2, width)
                .addRawInputContents(littleEndian(new float[2 * width - 1])),
                "input 'input': shape [2, " + width + "] needs " + 8 * width + " raw bytes ("
                        + 2 * width + " FP32 values of 4 bytes), got " + (8 * width - 4));
        assertInferRefused(Status.Code.INVALID_ARGUMENT,
                inferRequest(1, 3).setInputs(0, inputOf(1, 3, new float[3])),
                "input 'input': width 3 does not match the " + width
                        + " inputs of model 'flights-delay' version 1");
        assertInferRefused(Status.Code.INVALID_ARGUMENT, inferRequest(1, width)
                .setInputs(0, inputOf(1, width, new float[width]))
                .addRawInputContents(littleEndian(new float[width])),
                "input 'input': set either contents or raw_input_contents, not both");
        assertInferRefused(Status.Code.INVALID_ARGUMENT, inferRequest(1, width)
                .setInputs(0, inputOf(1, width, new float[width]).toBuilder()
                        .setDatatype("INT64")),
                "input 'input': datatype INT64 takes int64_contents, got values in"
                        + " fp32_contents");
        assertInferServes();
    }

    @Test
    void modelInfer_messageOverInboundLimit_resourceExhaustedNamingLimitAndSize() {
        int width = flights.vectorizer().width();
        int rows = 2 * 1024 * 1024 / (width * Float.BYTES);

        StatusRuntimeException refused = assertStatus(Status.Code.RESOURCE_EXHAUSTED,
                () -> oip.modelInfer(inferRequest(rows, width)
                        .addRawInputContents(littleEndian(new float[rows * width])).build()));

        assertContains(refused, "exceeds the limit of 1048576 bytes");
        assertContains(refused, "request message of ");
        assertInferServes();
    }

    @Test
    void modelInfer_messageOverTransportLimit_resourceExhaustedAndStillServing() {
        int width = flights.vectorizer().width();
        int rows = 5 * 1024 * 1024 / (width * Float.BYTES);

        assertStatus(Status.Code.RESOURCE_EXHAUSTED,
                () -> oip.modelInfer(inferRequest(rows, width)
                        .addRawInputContents(littleEndian(new float[rows * width])).build()));

        assertInferServes();
    }

    @Test
    void modelInfer_unknownModelOrVersion_notFound() {
        int width = flights.vectorizer().width();
        InferInputTensor input = inputOf(1, width, new float[width]);

        assertInferRefused(Status.Code.NOT_FOUND,
                inferRequest(1, width).setInputs(0, input).setModelName("ghost"),
                "model 'ghost' is not loaded");
        assertInferRefused(Status.Code.NOT_FOUND,
                inferRequest(1, width).setInputs(0, input).setModelVersion("7"),
                "model 'flights-delay' version 7 is not loaded");
        assertInferRefused(Status.Code.INVALID_ARGUMENT,
                inferRequest(1, width).setInputs(0, input).setModelVersion("v1"),
                "model_version 'v1' is not a version number");
        assertInferServes();
    }

    @Test
    void metadata_loadedModel_describesTensorsAndVersions() {
        ModelMetadataResponse metadata = oip.modelMetadata(
                ModelMetadataRequest.newBuilder().setName(MODEL).build());
        ServerMetadataResponse server =
                oip.serverMetadata(ServerMetadataRequest.getDefaultInstance());

        assertEquals("xgboost", metadata.getPlatform());
        assertEquals(List.of("1"), metadata.getVersionsList());
        assertEquals("input", metadata.getInputs(0).getName());
        assertEquals("FP32", metadata.getInputs(0).getDatatype());
        assertEquals(List.of(-1L, (long) flights.vectorizer().width()),
                metadata.getInputs(0).getShapeList());
        assertEquals("probability", metadata.getOutputs(0).getName());
        assertEquals(List.of(-1L, 1L), metadata.getOutputs(0).getShapeList());
        assertEquals("mlmesh-inference", server.getName());
        assertFalse(server.getVersion().isEmpty());
        assertEquals(List.of("mlmesh_predictor", "model_repository", "statistics"),
                server.getExtensionsList());
    }

    @Test
    void readiness_loadedAndUnknownModels_reportedPerModel() {
        assertTrue(oip.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        assertTrue(oip.modelReady(ModelReadyRequest.newBuilder().setName(MODEL).build())
                .getReady());
        assertTrue(oip.modelReady(ModelReadyRequest.newBuilder().setName(MODEL)
                .setVersion("1").build()).getReady());
        assertFalse(oip.modelReady(ModelReadyRequest.newBuilder().setName(MODEL)
                .setVersion("2").build()).getReady());
        assertFalse(oip.modelReady(ModelReadyRequest.newBuilder().setName("ghost").build())
                .getReady());
        StatusRuntimeException metadata = assertStatus(Status.Code.NOT_FOUND,
                () -> oip.modelMetadata(ModelMetadataRequest.newBuilder().setName("ghost")
                        .build()));
        assertContains(metadata, "model 'ghost' is not loaded");
    }

    @Test
    void priority_outOfRangeOrWrongType_invalidArgumentNamingTheParameter() {
        Flight flight = knownOriginFlight();
        int width = flights.vectorizer().width();

        assertPredictRefused(Status.Code.INVALID_ARGUMENT, requestOf(flight).setPriority(2),
                "priority must be 0 (normal) or 1 (high), got 2");
        assertInferRefused(Status.Code.INVALID_ARGUMENT, inferRequest(1, width)
                .setInputs(0, inputOf(1, width, new float[width]))
                .putParameters("priority", InferParameter.newBuilder().setStringParam("high")
                        .build()),
                "parameters[\"priority\"] must be an int64 0 or 1, got string_param");
        assertEquals(flights.scoreOf(flight),
                predictor.predict(requestOf(flight).setPriority(1).build()).getScore(), 0.0);
    }

    @Test
    void metrics_afterPredict_batchSizeAndQueueTimeHistogramsPerModelVersion()
            throws Exception {
        predictor.predict(requestOf(knownOriginFlight()).build());
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);

        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();

        String tags = "{model=\"flights-delay\",version=\"1\"";
        assertTrue(metrics.contains("mlmesh_inference_batch_size_count" + tags), metrics);
        assertTrue(metrics.contains("mlmesh_inference_batch_size_bucket" + tags));
        assertTrue(metrics.contains("mlmesh_inference_queue_time_seconds_count" + tags));
        assertTrue(metrics.contains("mlmesh_inference_queue_time_seconds_bucket" + tags));
    }

    private static double[] predictAll(List<Flight> rows, int rounds) {
        double[] scores = new double[rows.size()];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < rows.size(); i++) {
                double score = predictor.predict(requestOf(rows.get(i)).build()).getScore();
                if (round > 0 && score != scores[i]) {
                    return new double[0];
                }
                scores[i] = score;
            }
        }
        return scores;
    }



    private static LoadModelRequest loadAlias(String alias) {
        return LoadModelRequest.newBuilder().setModel(MODEL).setAlias(alias).build();
    }

    private static PredictRequest.Builder requestOf(Flight flight) {
        long micros = flight.dateMicros();
        return PredictRequest.newBuilder()
                .setModel(MODEL)
                .putFields("date", FieldValue.newBuilder().setTime(Timestamp.newBuilder()
                        .setSeconds(Math.floorDiv(micros, 1_000_000L))
                        .setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000)).build())
                .putFields("distance", number(flight.distance()))
                .putFields("origin", text(flight.origin()))
                .putFields("destination", text(flight.destination()));
    }

    private static FieldValue number(double value) {
        return FieldValue.newBuilder().setNumber(value).build();
    }

    private static FieldValue text(String value) {
        return FieldValue.newBuilder().setText(value).build();
    }

    private static Flight knownOriginFlight() {
        return flights.heldOut().stream()
                .filter(flight -> flights.originStats().containsKey(flight.origin()))
                .findFirst().orElseThrow();
    }

    private static Flight withOrigin(Flight flight, String origin) {
        return new Flight(flight.dateMicros(), flight.delay(), flight.distance(), origin,
                flight.destination());
    }

    private static void assertVersionOneServes() {
        Flight flight = knownOriginFlight();
        PredictResponse response = predictor.predict(requestOf(flight).build());
        assertEquals(1, response.getVersion());
        assertEquals(flights.scoreOf(flight), response.getScore(), 0.0);
    }

    /** Infers the held-out rows as FP32 contents; the scores must equal the booster's. */
    private static ModelInferResponse assertInferServes() {
        float[] batch = heldOutBatch();
        int rows = flights.heldOut().size();
        ModelInferResponse response = oip.modelInfer(inferRequest(rows, flights
                .vectorizer().width()).setInputs(0, inputOf(rows, batch)).build());
        assertArrayEquals(flights.scoresOf(batch, rows), toFloats(response.getOutputs(0)
                .getContents().getFp32ContentsList()));
        return response;
    }

    private static void assertPredictRefused(Status.Code code, PredictRequest.Builder request,
            String message) {
        assertContains(assertStatus(code, () -> predictor.predict(request.build())), message);
    }

    private static void assertInferRefused(Status.Code code, ModelInferRequest.Builder request,
            String message) {
        assertContains(assertStatus(code, () -> oip.modelInfer(request.build())), message);
    }

    private static StatusRuntimeException assertStatus(Status.Code code, Executable call) {
        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, failure.getStatus().getCode(), failure.getStatus().toString());
        return failure;
    }

    private static void assertContains(StatusRuntimeException failure, String expected) {
        String description = failure.getStatus().getDescription();
        assertTrue(description != null && description.contains(expected),
                "status description '" + description + "' lacks '" + expected + "'");
    }

    private static float[] heldOutBatch() {
        int width = flights.vectorizer().width();
        List<Flight> rows = flights.heldOut();
        float[] batch = new float[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(flights.vectorOf(rows.get(i)), 0, batch, i * width, width);
        }
        return batch;
    }

    /** A request with an input of the given shape and no values yet. */
    private static ModelInferRequest.Builder inferRequest(int rows, int width) {
        return ModelInferRequest.newBuilder()
                .setModelName(MODEL)
                .setId("batch-1")
                .addInputs(InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(rows).addShape(width));
    }

    private static InferInputTensor inputOf(int rows, float[] values) {
        return inputOf(rows, flights.vectorizer().width(), values);
    }

    private static InferInputTensor inputOf(int rows, int width, float[] values) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float value : values) {
            contents.addFp32Contents(value);
        }
        return InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                .addShape(rows).addShape(width).setContents(contents).build();
    }

    private static ByteString littleEndian(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return ByteString.copyFrom(bytes);
    }

    private static float[] toFloats(List<Float> values) {
        float[] floats = new float[values.size()];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = values.get(i);
        }
        return floats;
    }

    private static double[] toDoubles(float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return doubles;
    }
}
