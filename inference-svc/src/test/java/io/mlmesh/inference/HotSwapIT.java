package io.mlmesh.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlmesh.core.model.BundleManifest;
import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.inference.FlightsModel.Flight;
import io.mlmesh.inference.SteadyLoad.Answer;
import io.mlmesh.inference.model.AliasWatch;
import io.mlmesh.inference.v1.FieldValue;
import io.mlmesh.inference.v1.ListModelsRequest;
import io.mlmesh.inference.v1.LoadModelRequest;
import io.mlmesh.inference.v1.LoadedModel;
import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.inference.v1.PredictResponse;
import io.mlmesh.inference.v1.PredictorGrpc;
import io.mlmesh.inference.v1.PredictorGrpc.PredictorBlockingStub;
import io.mlmesh.registry.v1.ArtifactInfo;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegisterVersionChunk;
import io.mlmesh.registry.v1.RegisterVersionHeader;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.registry.v1.SetAliasRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hot swap against the real registry: registry-svc's packaged application runs as a process
 * with its own data folder, and inference-svc (the Quarkus test instance) reaches it through a
 * {@link TcpRelay} that the test can cut. Versions are registered and the alias moved with the
 * registry's own RPCs; a bad digest is made the way it happens in production, by damaging the
 * stored artifact file. The feature store is the in-test stand-in {@link FakeFeatureStore}
 * (its {@code SLOW} entity keeps a call in flight across a swap).
 *
 * <p>Traffic is real: held-out flights rows sent by several threads through Predict, each
 * answer checked against the score the test computes with the same bundle.
 */
@QuarkusTest
@WithTestResource(HotSwapPeersResource.class)
class HotSwapIT {

    private static final String MODEL = FlightsModel.MODEL;
    private static final String ALIAS = "production";
    private static final int LOAD_THREADS = 6;
    private static final Duration SWAP_BOUND = Duration.ofSeconds(30);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private static FlightsModel flights;
    private static Path workDir;
    private static RegistryApp registry;
    private static TcpRelay relay;
    private static FakeFeatureStore featureStore;
    private static Server featureStoreServer;
    private static ManagedChannel channel;
    private static PredictorBlockingStub predictor;

    @Inject
    MeterRegistry meters;

    @BeforeAll
    static void startRegistryAndLoadThroughAlias() throws Exception {
        flights = FlightsModel.trained();
        workDir = Files.createTempDirectory("mlmesh-hotswap-");
        int registryPort = freePort();
        registry = RegistryApp.start(registryPort, workDir.resolve("registry"),
                workDir.resolve("registry.log"));
        relay = new TcpRelay(configuredPort("quarkus.grpc.clients.registry.port"), registryPort);
        relay.restore();
        featureStore = new FakeFeatureStore(flights.originStats());
        featureStoreServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1",
                configuredPort("quarkus.grpc.clients.featurestore.port")))
                .addService(featureStore).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1",
                configuredPort("quarkus.http.test-port")).usePlaintext().build();
        predictor = PredictorGrpc.newBlockingStub(channel);

        setAlias(register(flights.bundleBytes()).getVersion());
        predictor.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .loadModel(LoadModelRequest.newBuilder().setModel(MODEL).setAlias(ALIAS).build());
    }

    @AfterAll
    static void stopPeers() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        featureStoreServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        relay.close();
        registry.close();
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Test
    void aliasMove_goodVersionUnderLoad_switchesWithNoFailedCall() throws Exception {
        long from = serveFreshVersion();
        long to = register(flights.bundleBytes()).getVersion();
        double swapsBefore = swaps("swapped");
        Flight slowFlight = withOrigin(flights.heldOut().get(0), FakeFeatureStore.SLOW);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        PredictResponse slow;
        long firstNewAnsweredNanos;
        List<Answer> answers;
        List<Throwable> failures;

        try (SteadyLoad load = startLoad()) {
            load.awaitMoreAnswers(100, SWAP_BOUND);
            Future<PredictResponse> inFlight = caller.submit(() -> predict(slowFlight));
            awaitFeatureLookupOf(FakeFeatureStore.SLOW);
            long movedNanos = System.nanoTime();
            setAlias(to);
            firstNewAnsweredNanos = load.awaitVersion(to, SWAP_BOUND);
            load.awaitMoreAnswers(200, SWAP_BOUND);
            slow = inFlight.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(firstNewAnsweredNanos - movedNanos < SWAP_BOUND.toNanos());
            answers = load.answers();
            failures = load.failures();
        } finally {
            caller.shutdownNow();
        }

        assertEquals(List.of(), failures);
        assertEquals(from, slow.getVersion(), "the call in flight at the move ends on the old");
        assertEquals(flights.scoreOf(slowFlight), slow.getScore(), 1e-6);
        assertTrue(answers.stream().anyMatch(a -> a.response().getVersion() == from));
        List<Answer> sentAfterSwitch = answers.stream()
                .filter(a -> a.sentNanos() > firstNewAnsweredNanos).toList();
        assertTrue(sentAfterSwitch.size() >= 100);
        sentAfterSwitch.forEach(a -> assertEquals(to, a.response().getVersion()));
        answers.forEach(this::assertScoredRight);
        assertEquals(swapsBefore + 1, swaps("swapped"));
    }

    @Test
    void aliasMove_tamperedArtifactUnderLoad_oldKeepsServingAndFailureCounted()
            throws Exception {
        ModelVersion tampered = register(repackaged("tampered"));
        damageStoredArtifact(tampered.getArtifact().getSha256());

        assertRefusedUnderLoad(tampered.getVersion(), "failed verification");
    }

    @Test
    void aliasMove_corruptBundleUnderLoad_oldKeepsServingAndFailureCounted()
            throws Exception {
        byte[] bundle = flights.bundleBytes();
        ModelVersion corrupt = register(Arrays.copyOf(bundle, bundle.length / 2));

        assertRefusedUnderLoad(corrupt.getVersion(), "is not a model bundle");
    }

    @Test
    void watch_brokenWhileAliasMoves_moveAppliedAfterReconnect() throws Exception {
        long before = serveFreshVersion();
        long moved = register(flights.bundleBytes()).getVersion();
        Flight flight = flights.heldOut().get(1);

        relay.cut();
        PredictResponse duringGap;
        try {
            setAlias(moved);
            Thread.sleep(1500);
            duringGap = predict(flight);
        } finally {
            relay.restore();
        }
        awaitServingDefault(moved);

        assertEquals(before, duringGap.getVersion());
        assertEquals(moved, predict(flight).getVersion());
        assertEquals(flights.scoreOf(flight), predict(flight).getScore(), 1e-6);
    }

    @Test
    void loadModel_byVersion_pinsModelUntilLoadedThroughAliasAgain() throws Exception {
        long pinned = serveFreshVersion();
        predictor.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .loadModel(LoadModelRequest.newBuilder().setModel(MODEL).setVersion(pinned)
                        .build());
        long moved = register(flights.bundleBytes()).getVersion();

        setAlias(moved);
        Thread.sleep(1500);
        long servingAfterMove = servingDefault().orElseThrow().getVersion();
        LoadedModel followedAgain = predictor
                .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .loadModel(LoadModelRequest.newBuilder().setModel(MODEL).setAlias(ALIAS).build());

        assertEquals(pinned, servingAfterMove);
        assertEquals(moved, followedAgain.getVersion());
        long next = serveFreshVersion();
        assertEquals(next, predict(flights.heldOut().get(2)).getVersion());
    }

    /** Moves the alias to a version that cannot load, under load, and checks nothing broke. */
    private void assertRefusedUnderLoad(long badVersion, String reason) throws Exception {
        long serving = serveFreshVersion();
        double failedBefore = swaps("failed");
        LoadedModel shown;
        List<Answer> answers;
        List<Throwable> failures;

        try (SteadyLoad load = startLoad()) {
            load.awaitMoreAnswers(100, SWAP_BOUND);
            setAlias(badVersion);
            shown = awaitSwapFailure(badVersion);
            load.awaitMoreAnswers(200, SWAP_BOUND);
            answers = load.answers();
            failures = load.failures();
        }

        assertEquals(List.of(), failures);
        answers.forEach(a -> assertEquals(serving, a.response().getVersion()));
        answers.forEach(this::assertScoredRight);
        assertEquals(serving, shown.getVersion());
        assertTrue(shown.getSwapFailure().contains("version " + badVersion + " "),
                shown.getSwapFailure());
        assertTrue(shown.getSwapFailure().contains(reason), shown.getSwapFailure());
        assertEquals(failedBefore + 1, swaps("failed"));
    }

    /** Registers the test bundle again, moves the alias there and waits until it serves. */
    private static long serveFreshVersion() throws Exception {
        long version = register(flights.bundleBytes()).getVersion();
        setAlias(version);
        awaitServingDefault(version);
        return version;
    }

    private SteadyLoad startLoad() {
        List<Flight> rows = flights.heldOut();
        return SteadyLoad.start(predictor, LOAD_THREADS, index -> requestOf(rows.get(index)),
                rows.size());
    }

    private void assertScoredRight(Answer answer) {
        Flight flight = flights.heldOut().get(answer.index());
        assertEquals(flights.scoreOf(flight), answer.response().getScore(), 1e-6);
    }

    private double swaps(String outcome) {
        Counter counter = meters.find(AliasWatch.SWAPS)
                .tags("model", MODEL, "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void awaitServingDefault(long version) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + SWAP_BOUND.toNanos();
        while (servingDefault().map(LoadedModel::getVersion).orElse(0L) != version) {
            if (System.nanoTime() > deadlineNanos) {
                throw new AssertionError("version " + version + " not serving within "
                        + SWAP_BOUND + "; serving: " + servingDefault());
            }
            Thread.sleep(50);
        }
    }

    private static LoadedModel awaitSwapFailure(long version) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + SWAP_BOUND.toNanos();
        while (System.nanoTime() < deadlineNanos) {
            Optional<LoadedModel> shown = servingDefault();
            if (shown.isPresent() && shown.get().getSwapFailedVersion() == version) {
                return shown.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no swap failure of version " + version + " within "
                + SWAP_BOUND + "; serving: " + servingDefault());
    }

    private static Optional<LoadedModel> servingDefault() {
        return predictor.listModels(ListModelsRequest.getDefaultInstance()).getModelsList()
                .stream()
                .filter(model -> model.getModel().equals(MODEL) && model.getServingDefault())
                .findFirst();
    }

    private static void awaitFeatureLookupOf(String entityKey) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + SWAP_BOUND.toNanos();
        while (System.nanoTime() < deadlineNanos) {
            boolean seen = featureStore.drain().stream().anyMatch(received -> received.request()
                    .getLookups(0).getEntityKeysList().contains(entityKey));
            if (seen) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no feature lookup of " + entityKey + " within " + SWAP_BOUND);
    }

    private static PredictResponse predict(Flight flight) {
        return predictor.withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .predict(requestOf(flight));
    }

    private static ModelVersion register(byte[] artifact) throws Exception {
        CompletableFuture<ModelVersion> registered = new CompletableFuture<>();
        StreamObserver<RegisterVersionChunk> upload = RegistryGrpc.newStub(registry.channel())
                .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .registerVersion(completing(registered));
        upload.onNext(RegisterVersionChunk.newBuilder().setHeader(RegisterVersionHeader
                .newBuilder()
                .setModel(MODEL)
                .setArtifact(ArtifactInfo.newBuilder()
                        .setSha256(FakeRegistry.sha256(artifact))
                        .setSizeBytes(artifact.length)
                        .setFormat(ModelBundle.FORMAT))).build());
        for (int offset = 0; offset < artifact.length; offset += 64 * 1024) {
            upload.onNext(RegisterVersionChunk.newBuilder().setData(ByteString.copyFrom(
                    artifact, offset, Math.min(64 * 1024, artifact.length - offset))).build());
        }
        upload.onCompleted();
        return registered.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static StreamObserver<ModelVersion> completing(
            CompletableFuture<ModelVersion> result) {
        return new StreamObserver<>() {
            @Override
            public void onNext(ModelVersion version) {
                result.complete(version);
            }

            @Override
            public void onError(Throwable failure) {
                result.completeExceptionally(failure);
            }

            @Override
            public void onCompleted() {
                result.completeExceptionally(new AssertionError("no version in the answer"));
            }
        };
    }

    private static void setAlias(long version) {
        RegistryGrpc.newBlockingStub(registry.channel())
                .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .setAlias(SetAliasRequest.newBuilder()
                        .setModel(MODEL).setAlias(ALIAS).setVersion(version).build());
    }

    /** The test bundle with one more manifest parameter: a valid bundle with its own digest. */
    private static byte[] repackaged(String mark) {
        ModelBundle bundle = ModelBundle.fromBytes(flights.bundleBytes());
        BundleManifest manifest = bundle.manifest();
        Map<String, String> params = new HashMap<>(manifest.params());
        params.put("copy", mark);
        return new ModelBundle(new BundleManifest(manifest.family(), manifest.transforms(),
                manifest.vocabularies(), manifest.onlineFeatures(), manifest.labelColumn(),
                manifest.labelThreshold(), params), bundle.modelBytes()).toBytes();
    }

    /** Flips one byte of the registry's stored file: same size, different SHA-256. */
    private static void damageStoredArtifact(String sha256) throws IOException {
        Path file = registry.artifactFile(sha256);
        try (RandomAccessFile bytes = new RandomAccessFile(file.toFile(), "rw")) {
            long middle = bytes.length() / 2;
            bytes.seek(middle);
            int original = bytes.read();
            bytes.seek(middle);
            bytes.write(original ^ 0x5A);
        }
    }

    private static Flight withOrigin(Flight flight, String origin) {
        return new Flight(flight.dateMicros(), flight.delay(), flight.distance(), origin,
                flight.destination());
    }

    private static PredictRequest requestOf(Flight flight) {
        long micros = flight.dateMicros();
        return PredictRequest.newBuilder()
                .setModel(MODEL)
                .putFields("date", FieldValue.newBuilder().setTime(Timestamp.newBuilder()
                        .setSeconds(Math.floorDiv(micros, 1_000_000L))
                        .setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000)).build())
                .putFields("distance", FieldValue.newBuilder()
                        .setNumber(flight.distance()).build())
                .putFields("origin", FieldValue.newBuilder().setText(flight.origin()).build())
                .putFields("destination", FieldValue.newBuilder()
                        .setText(flight.destination()).build())
                .build();
    }

    private static int configuredPort(String key) {
        return ConfigProvider.getConfig().getValue(key, Integer.class);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
