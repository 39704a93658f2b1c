package io.mlmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mlmesh.cli.demo.DemoOptions;
import io.mlmesh.cli.demo.DemoResult;
import io.mlmesh.cli.demo.FlightsDemo;
import io.mlmesh.cli.demo.VariantExperiment;
import io.mlmesh.cli.mesh.Channels;
import io.mlmesh.cli.mesh.MeshLauncher;
import io.mlmesh.cli.mesh.MeshState;
import io.mlmesh.cli.mesh.ServiceKind;
import io.mlmesh.featurestore.v1.IngestionReport;
import io.mlmesh.featurestore.v1.RuleCount;
import io.mlmesh.inference.v1.FieldValue;
import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.inference.v1.PredictResponse;
import io.mlmesh.inference.v1.PredictorGrpc;
import io.mlmesh.inference.v1.ShadowStats;
import io.mlmesh.monitor.v1.ServiceSummary;
import io.mlmesh.monitor.v1.Span;
import io.mlmesh.monitor.v1.VariantComparison;
import io.mlmesh.monitor.v1.VariantQuality;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.InferTensorContents;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ServerLiveRequest;
import io.mlmesh.registry.v1.DatasetRef;
import io.mlmesh.registry.v1.FeatureViewRef;
import io.mlmesh.registry.v1.GetVersionRequest;
import io.mlmesh.registry.v1.Lineage;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.registry.v1.VersionSelector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The demo pipeline end to end through the five real services, started as processes from
 * their packaged jars, with a private Redis, on the 20,000-flight sample of real data.
 *
 * <p>The flights carry no personal columns (date, distance, airports), so the demo's prediction
 * log masks nothing and there is no masking to check here; inference-svc's own tests check it.
 */
class FlightsDemoIT {

    private static Path runDir;
    private static MeshState mesh;
    private static DemoResult result;
    private static String output;

    @BeforeAll
    static void runDemo() throws IOException {
        Path home = Path.of(System.getProperty("mlmesh.home", "..")).toAbsolutePath()
                .normalize();
        runDir = Files.createTempDirectory("mlmesh-demo-it");
        DemoOptions options = new DemoOptions(FlightsDemo.carriedSubset(home), 1.0, 1.0, 30,
                16);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(captured, System.out), true,
                StandardCharsets.UTF_8);

        result = DemoCommand.run(home, runDir, options, false, null, true, out);
        output = captured.toString(StandardCharsets.UTF_8);
        mesh = MeshState.load(runDir);
    }

    @AfterAll
    static void stopMesh() {
        if (mesh != null) {
            MeshLauncher.stop(mesh);
        }
    }

    @Test
    void demo_servedAuc_equalsOfflineAucOnTheSameRows() {
        assertTrue(result.testHashMatches(), "replayed rows must be the evaluated rows");
        assertTrue(result.rows() > 2_000, "June of the sample has about 3,300 flights");
        assertTrue(result.offlineAuc() > 0.55 && result.offlineAuc() < 1.0,
                "offline AUC " + result.offlineAuc());
        assertEquals(result.offlineAuc(), result.servedAuc(), 1e-6);
        assertTrue(output.contains("parity OK"), output);
    }

    @Test
    void demo_outcomesFedBack_joinEveryReplayedRowWithItsLoggedPrediction() {
        DemoResult.Live live = result.live();

        assertTrue(live.enabled(), "the feedback loop needs the private redis-server");
        assertEquals(result.rows(), live.recorded());
        assertEquals(result.rows(), live.joinedCount());
        assertEquals(1, live.groups().size(), live.groups()::toString);
        VariantQuality group = live.groups().get(0);
        assertEquals(result.modelVersion(), group.getVersion());
        assertTrue(group.getPositiveCount() > 0 && group.getPositiveCount() < result.rows(),
                group::toString);
    }

    @Test
    void demo_liveAuc_equalsServedAucOnTheSameRows() {
        assertEquals(result.servedAuc(), result.live().auc(), 1e-6);
        assertTrue(result.liveAgrees());
        assertTrue(output.contains("live OK"), output);
    }

    @Test
    void demo_abSplit_bothVariantsServeAndLiveAucEqualsServedAucPerVariant() {
        VariantExperiment.Outcome experiment = result.experiment();

        assertEquals(List.of(VariantExperiment.PRODUCTION, VariantExperiment.CANDIDATE),
                experiment.variants().stream().map(VariantExperiment.Variant::name).toList());
        long calls = experiment.variants().stream()
                .mapToLong(VariantExperiment.Variant::calls).sum();
        for (VariantExperiment.Variant variant : experiment.variants()) {
            double share = (double) variant.calls() / calls;
            assertTrue(share > 0.3 && share < 0.7, variant::toString);
            assertEquals(0, variant.errors(), variant::toString);
            VariantQuality live = variant.live().orElseThrow();
            assertEquals(variant.version(), live.getVersion());
            assertEquals(variant.servedAuc(), live.getAuc(), 1e-6);
        }
        assertTrue(experiment.variants().get(0).version()
                != experiment.variants().get(1).version());
        assertTrue(experiment.liveAgrees());
        VariantComparison comparison = experiment.comparison().orElseThrow();
        assertEquals(List.of(VariantExperiment.PRODUCTION, VariantExperiment.CANDIDATE),
                List.of(comparison.getVariantA(), comparison.getVariantB()));
        assertTrue(output.contains("A/B live OK"), output);
    }

    @Test
    void demo_shadow_comparedWithThePrimaryWithoutFailures() {
        ShadowStats shadow = result.experiment().shadow();

        assertEquals(VariantExperiment.SHADOW, shadow.getShadow());
        assertTrue(shadow.getCompared() >= 0.9 * result.experiment().rows(), shadow::toString);
        assertEquals(0, shadow.getFailed());
        assertTrue(shadow.getAgreementRate() > 0.5 && shadow.getAgreementRate() <= 1.0,
                shadow::toString);
    }

    @Test
    void demo_redisKeys_allLiveUnderTheMeshPrefix() {
        String prefix = mesh.feedbackKeyPrefix();
        List<String> keys = redisKeys(mesh.redisUrl());

        assertTrue(prefix.matches("mlmesh:mesh:[0-9a-f]{12}:"), prefix);
        assertTrue(keys.contains(prefix + "predictions"), keys::toString);
        assertTrue(keys.stream().anyMatch(key -> key.startsWith(prefix + "monitor:")),
                keys::toString);
        assertTrue(keys.stream().anyMatch(key -> key.startsWith(prefix + "fs:")),
                keys::toString);
        List<String> elsewhere = keys.stream()
                .filter(key -> !key.startsWith(prefix))
                .toList();
        assertEquals(List.of(), elsewhere);
    }

    @Test
    void demo_flightsFile_ingestedAgainstExpectationsWithEveryRowCounted() {
        IngestionReport ingestion = result.ingestion();

        assertEquals(20_000, ingestion.getInputRows());
        assertEquals(ingestion.getInputRows(),
                ingestion.getAcceptedRows() + ingestion.getQuarantinedRows());
        assertEquals(ingestion.getQuarantinedRows(), ingestion.getQuarantinedByRuleList()
                .stream().mapToLong(RuleCount::getRows).sum());
        assertTrue(output.contains("checked against 5 column expectations"), output);
    }

    @Test
    void demo_servedOnlineFeatures_equalOfflineRows() {
        assertEquals(0, result.featureMismatches());
    }

    @Test
    void demo_oipModelInfer_givesThePredictScoresForTheSameVectors() {
        assertEquals(0, result.baseline().scoreMismatches());
    }

    @Test
    void demo_monitorReceivedTracesFromTheServices() {
        Set<String> services = result.traces().getServicesList().stream()
                .filter(s -> s.getSpanCount() > 0)
                .map(ServiceSummary::getService)
                .collect(Collectors.toSet());

        assertTrue(services.containsAll(Set.of("inference-svc", "feature-store-svc",
                "training-svc", "registry-svc")), "services seen: " + services);
        assertTrue(result.traces().getOperationsList().stream().anyMatch(o ->
                o.getOperation().contains("Predict") && o.getCount() >= result.rows()),
                "every Predict call is traced");
    }

    @Test
    void demo_slowestPredictTrace_holdsSpansOfInferenceAndFeatureStore() {
        Set<String> services = result.slowestPredict().getSpansList().stream()
                .map(Span::getService)
                .collect(Collectors.toSet());

        assertEquals(Set.of("inference-svc", "feature-store-svc"), services,
                "the trace context must travel with the feature store call");
    }

    @Test
    void demo_monitorComparedEveryColumnOfTheTestMonthWithTheTrainingMonths() {
        assertEquals(8, result.drift().getColumnsCount());
        assertEquals(8, result.drift().getTestedCount());
        assertEquals(result.rows(), result.drift().getCurrentRows());
    }

    @Test
    void models_demoModel_printsLineageFromRunToDataSetsToFeatureViews() {
        Lineage lineage = productionLineage();

        String printed = runModelsCommand();

        assertTrue(lineage.getRunId().length() > 0, lineage::toString);
        assertEquals(List.of("train", "test"),
                lineage.getDatasetsList().stream().map(DatasetRef::getRole).toList());
        for (DatasetRef dataset : lineage.getDatasetsList()) {
            assertTrue(dataset.getRowCount() > 0, dataset::toString);
            assertTrue(dataset.getContentSha256().matches("[0-9a-f]{64}"), dataset::toString);
        }
        FeatureViewRef view = lineage.getFeatureViews(0);
        assertEquals("origin_7d", view.getName());
        assertTrue(view.getVersion() >= 1, view::toString);
        int model = printed.indexOf(FlightsDemo.MODEL + "  aliases");
        int run = printed.indexOf("run " + lineage.getRunId(), model);
        int train = printed.indexOf(lineage.getDatasets(0).getContentSha256(), run);
        int test = printed.indexOf(lineage.getDatasets(1).getContentSha256(), train);
        int printedView = printed.indexOf("view origin_7d v" + view.getVersion(), test);
        assertTrue(model >= 0 && run > model && train > run && test > train
                && printedView > test, printed);
    }

    @Test
    void predict_unknownAirport_succeedsWithFeaturesMissing() {
        ManagedChannel channel = Channels.open(mesh.port(ServiceKind.INFERENCE));
        try {
            PredictResponse response = PredictorGrpc.newBlockingStub(channel).predict(
                    PredictRequest.newBuilder()
                            .setModel(FlightsDemo.MODEL)
                            .putFields("distance", FieldValue.newBuilder().setNumber(500).build())
                            .putFields("origin", FieldValue.newBuilder().setText("ZZZ").build())
                            .setReturnFeatures(true)
                            .build());

            assertTrue(response.getScore() > 0 && response.getScore() < 1);
            assertEquals("MISSING",
                    response.getFeatureStatusesOrThrow("origin_7d__late_share_7d"));
        } finally {
            Channels.close(channel);
        }
    }

    @Test
    void modelInfer_badShapeAndUnknownModel_areRefusedAndServiceKeepsServing() {
        ManagedChannel channel = Channels.open(mesh.port(ServiceKind.INFERENCE));
        try {
            var oip = GRPCInferenceServiceGrpc.newBlockingStub(channel);
            ModelInferRequest badShape = ModelInferRequest.newBuilder()
                    .setModelName(FlightsDemo.MODEL)
                    .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                            .setName("input").setDatatype("FP32").addShape(2).addShape(3)
                            .setContents(InferTensorContents.newBuilder()
                                    .addFp32Contents(1).addFp32Contents(2).addFp32Contents(3)
                                    .addFp32Contents(4).addFp32Contents(5)))
                    .build();

            StatusRuntimeException shape = assertThrows(StatusRuntimeException.class,
                    () -> oip.modelInfer(badShape));
            StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                    () -> oip.modelInfer(badShape.toBuilder().setModelName("nope").build()));

            assertEquals(Status.Code.INVALID_ARGUMENT, shape.getStatus().getCode());
            String message = shape.getStatus().getDescription();
            assertTrue(message.contains("input") && message.contains("6")
                    && message.contains("5"), message);
            assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
            assertTrue(unknown.getStatus().getDescription().contains("nope"));
            assertTrue(oip.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        } finally {
            Channels.close(channel);
        }
    }

    private static Lineage productionLineage() {
        ManagedChannel channel = Channels.open(mesh.port(ServiceKind.REGISTRY));
        try {
            return RegistryGrpc.newBlockingStub(channel).getVersion(GetVersionRequest.newBuilder()
                    .setModel(FlightsDemo.MODEL)
                    .setSelector(VersionSelector.newBuilder().setAlias("production"))
                    .build()).getLineage();
        } finally {
            Channels.close(channel);
        }
    }

    /** Every key in the mesh's Redis. */
    private static List<String> redisKeys(String redisUrl) {
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            List<String> keys = new ArrayList<>();
            KeyScanCursor<String> cursor = connection.sync().scan();
            keys.addAll(cursor.getKeys());
            while (!cursor.isFinished()) {
                cursor = connection.sync().scan(cursor);
                keys.addAll(cursor.getKeys());
            }
            return keys;
        } finally {
            client.shutdown();
        }
    }

    /** What {@code mlmesh models --run-dir <the demo's>} prints. */
    private static String runModelsCommand() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream standardOut = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exitCode = new CommandLine(new MlmeshCommand())
                    .execute("models", "--run-dir", runDir.toString());
            assertEquals(0, exitCode);
        } finally {
            System.setOut(standardOut);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** Writes to two streams: the test keeps the demo's output and still shows it. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }
    }
}
