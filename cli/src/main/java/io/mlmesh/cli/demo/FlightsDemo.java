package io.mlmesh.cli.demo;

import io.grpc.ManagedChannel;
import io.mlmesh.cli.mesh.Channels;
import io.mlmesh.cli.mesh.MeshState;
import io.mlmesh.cli.mesh.ServiceKind;
import io.mlmesh.core.metrics.BinaryMetrics;
import io.mlmesh.featurestore.v1.Aggregation;
import io.mlmesh.featurestore.v1.AggregationFunction;
import io.mlmesh.featurestore.v1.ApplyFeatureViewRequest;
import io.mlmesh.featurestore.v1.ColumnExpectation;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.Expectations;
import io.mlmesh.featurestore.v1.FeatureStoreGrpc;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.FeatureViewSpec;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.IngestionReport;
import io.mlmesh.featurestore.v1.RegisterSourceRequest;
import io.mlmesh.featurestore.v1.ViewJoin;
import io.mlmesh.inference.v1.LoadModelRequest;
import io.mlmesh.inference.v1.LoadedModel;
import io.mlmesh.inference.v1.PredictorGrpc;
import io.mlmesh.monitor.v1.ColumnDrift;
import io.mlmesh.monitor.v1.CompareDatasetsRequest;
import io.mlmesh.monitor.v1.DatasetDrift;
import io.mlmesh.monitor.v1.GetTraceRequest;
import io.mlmesh.monitor.v1.GetTraceSummaryRequest;
import io.mlmesh.monitor.v1.MonitorGrpc;
import io.mlmesh.monitor.v1.OperationSummary;
import io.mlmesh.monitor.v1.Trace;
import io.mlmesh.monitor.v1.TraceSummary;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.registry.v1.SetAliasRequest;
import io.mlmesh.training.v1.DatasetSummary;
import io.mlmesh.training.v1.FeatureTransform;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.ModelFamily;
import io.mlmesh.training.v1.TrainingGrpc;
import io.mlmesh.training.v1.TransformKind;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The flights demo: real US flights go through the whole mesh. The feature store derives, per
 * origin airport, the late share, mean delay and number of flights over the 7 days before each
 * day; training joins them point-in-time to January-May flights and trains XGBoost (or the
 * MLP, {@code --family mlp}); the registry holds the model as {@code production}; inference
 * serves it; the test month (June for the full file) is replayed in time order through
 * {@code Predict}, materializing the features day by day as production would, and the served
 * AUC must equal the offline AUC on the same rows. Then each flight's true outcome is fed back
 * to the monitor, which joins it with the prediction inference logged, and the live AUC must
 * equal the served AUC.
 */
public final class FlightsDemo {

    /** The registry model the demo trains. */
    public static final String MODEL = "flights-delay";
    static final String SOURCE = "flights";
    static final String VIEW = "origin_7d";
    static final List<String> VIEW_FEATURES =
            List.of("flights_7d", "late_share_7d", "mean_delay_7d");
    static final double LATE_MINUTES = 15;
    private static final String REPLAY_REQUEST_IDS = "replay";
    private static final String PREDICT_OPERATION = "mlmesh.inference.v1.Predictor/Predict";

    private final MeshState mesh;
    private final DemoOptions options;
    private final PrintStream out;

    public FlightsDemo(MeshState mesh, DemoOptions options, PrintStream out) {
        this.mesh = mesh;
        this.options = options;
        this.out = out;
    }

    /** Runs every step and returns what was measured; the mesh must be healthy. */
    public DemoResult run() {
        ManagedChannel featureChannel = Channels.open(mesh.port(ServiceKind.FEATURE_STORE));
        ManagedChannel trainingChannel = Channels.open(mesh.port(ServiceKind.TRAINING));
        ManagedChannel registryChannel = Channels.open(mesh.port(ServiceKind.REGISTRY));
        ManagedChannel inferenceChannel = Channels.open(mesh.port(ServiceKind.INFERENCE));
        ManagedChannel monitorChannel = Channels.open(mesh.port(ServiceKind.MONITOR));
        try {
            var features = FeatureStoreGrpc.newBlockingStub(featureChannel);
            DatasetVersion source = registerSource(features);
            MonthSplit split = MonthSplit.of(source);
            FeatureView view = applyView(features);
            DemoTraining training = new DemoTraining(TrainingGrpc.newBlockingStub(trainingChannel),
                    view, split, options, out);
            Job job = options.mlp()
                    ? training.train("MLP (DJL, PyTorch)", ModelFamily.MODEL_FAMILY_MLP, Map.of())
                    : training.train("XGBoost", ModelFamily.MODEL_FAMILY_XGBOOST, Map.of(
                            "num_round", String.valueOf(options.rounds()), "max_depth", "6",
                            "eta", "0.1"));
            ModelVersion production = promote(RegistryGrpc.newBlockingStub(registryChannel), job);
            load(PredictorGrpc.newBlockingStub(inferenceChannel));

            MonitorGrpc.MonitorBlockingStub monitor = MonitorGrpc.newBlockingStub(monitorChannel);
            DatasetDrift drift = compareMonths(monitor, view, split);

            TestSet testSet = TestSet.fetch(features, testRequest(view, split, options));
            boolean hashMatches = testSet.contentSha256().equals(testHashOf(job));
            out.printf("%nreplaying %s: %,d flights from the feature store (same rows the job"
                    + " evaluated on: %s)%n", split.testMonth(), testSet.rows().size(),
                    hashMatches ? "yes" : "NO");
            ViewInputs viewInputs = ViewInputs.of(RegistryGrpc.newBlockingStub(registryChannel),
                    production);
            TestMonthReplay replay = new TestMonthReplay(features,
                    PredictorGrpc.newBlockingStub(inferenceChannel), MODEL, REPLAY_REQUEST_IDS,
                    view, viewInputs, options.concurrency(), out);
            TestMonthReplay.Outcome served = replay.run(testSet.rows());
            OipBaseline.Outcome baseline = OipBaseline.run(
                    GRPCInferenceServiceGrpc.newBlockingStub(inferenceChannel), served.vectors(),
                    served.scores(), options.concurrency(), options.mlp() ? 1e-6 : 0);

            DemoResult.Live live = feedOutcomesBack(monitor, testSet.rows(),
                    production.getVersion());

            TraceSummary traces = traceSummary(monitor);
            Trace slowestPredict = slowestPredict(monitor, traces);
            VariantExperiment.Outcome experiment = runExperiment(training, view, viewInputs,
                    production, testSet, new VariantExperiment.Services(
                            RegistryGrpc.newBlockingStub(registryChannel),
                            PredictorGrpc.newBlockingStub(inferenceChannel), monitor), features);
            double servedAuc = BinaryMetrics.auc(served.scores(), testSet.labels());
            return new DemoResult(production.getVersion(), job.getMetricsOrThrow("auc"),
                    servedAuc, testSet.rows().size(), served.featureMismatches(), hashMatches,
                    served.p50Micros(), served.p99Micros(), served.callsPerSecond(),
                    new DemoResult.Baseline(baseline.scoreMismatches(), baseline.p50Micros(),
                            baseline.p99Micros(), baseline.callsPerSecond()),
                    drift, traces, slowestPredict, live, source.getIngestion(), experiment);
        } finally {
            List.of(featureChannel, trainingChannel, registryChannel, inferenceChannel,
                    monitorChannel).forEach(Channels::close);
        }
    }

    /** The A/B split and shadow, on the last week of the replayed rows. */
    private VariantExperiment.Outcome runExperiment(DemoTraining training, FeatureView view,
            ViewInputs viewInputs, ModelVersion production, TestSet testSet,
            VariantExperiment.Services services,
            FeatureStoreGrpc.FeatureStoreBlockingStub features) {
        TestMonthReplay replay = new TestMonthReplay(features, services.predictor(),
                VariantExperiment.ENDPOINT, VariantExperiment.REQUEST_IDS, view, viewInputs,
                options.concurrency(), out);
        OutcomeFeedback feedback = mesh.feedbackEnabled() ? new OutcomeFeedback(
                services.monitor(), VariantExperiment.REQUEST_IDS, options.concurrency(), out)
                : null;
        return new VariantExperiment(services, training, replay, feedback, out)
                .run(production.getVersion(), testSet.rows());
    }

    private DatasetVersion registerSource(FeatureStoreGrpc.FeatureStoreBlockingStub features) {
        DatasetVersion source = features.registerSource(RegisterSourceRequest.newBuilder()
                .setName(SOURCE)
                .setPath(options.data().toAbsolutePath().toString())
                .setTimestampColumn("date")
                .setExpectations(flightExpectations())
                .build());
        IngestionReport ingestion = source.getIngestion();
        out.printf("%n[feature-store] source %s: %,d rows read, checked against %d column"
                + " expectations: %,d accepted, %,d quarantined; sha256 %s…%n", source.getName(),
                ingestion.getInputRows(), flightExpectations().getColumnsCount(),
                ingestion.getAcceptedRows(), ingestion.getQuarantinedRows(),
                source.getContentSha256().substring(0, 12));
        return source;
    }

    /**
     * What a flight row must hold before it may train or serve: every column present, a delay
     * between a day early and a week late, a distance a scheduled flight can have.
     */
    static Expectations flightExpectations() {
        return Expectations.newBuilder()
                .addColumns(expect("date", ColumnType.COLUMN_TYPE_TIMESTAMP))
                .addColumns(expect("delay", ColumnType.COLUMN_TYPE_INT64).setMin(-1440)
                        .setMax(10_080))
                .addColumns(expect("distance", ColumnType.COLUMN_TYPE_DOUBLE).setMin(1)
                        .setMax(10_000))
                .addColumns(expect("origin", ColumnType.COLUMN_TYPE_STRING))
                .addColumns(expect("destination", ColumnType.COLUMN_TYPE_STRING))
                .build();
    }

    private static ColumnExpectation.Builder expect(String column, ColumnType type) {
        return ColumnExpectation.newBuilder().setColumn(column).setType(type)
                .setMaxMissingShare(0);
    }

    private FeatureView applyView(FeatureStoreGrpc.FeatureStoreBlockingStub features) {
        long startNanos = System.nanoTime();
        FeatureView view = features.applyFeatureView(ApplyFeatureViewRequest.newBuilder()
                .setSpec(viewSpec())
                .build());
        out.printf("[feature-store] view %s v%d %s: origin airport, 7 days before each day,"
                + " computed in %.1f s%n", VIEW, view.getVersion(), view.getFeatureNamesList(),
                (System.nanoTime() - startNanos) / 1e9);
        return view;
    }

    private static FeatureViewSpec viewSpec() {
        return FeatureViewSpec.newBuilder()
                .setName(VIEW)
                .setSource(SOURCE)
                .setEntityColumn("origin")
                .addAggregations(Aggregation.newBuilder().setName(VIEW_FEATURES.get(0))
                        .setFunction(AggregationFunction.AGGREGATION_FUNCTION_COUNT))
                .addAggregations(Aggregation.newBuilder().setName(VIEW_FEATURES.get(1))
                        .setFunction(AggregationFunction.AGGREGATION_FUNCTION_SHARE_ABOVE)
                        .setColumn("delay").setThreshold(LATE_MINUTES))
                .addAggregations(Aggregation.newBuilder().setName(VIEW_FEATURES.get(2))
                        .setFunction(AggregationFunction.AGGREGATION_FUNCTION_MEAN)
                        .setColumn("delay"))
                .setWindow(ProtoTime.days(7))
                .setGranularity(ProtoTime.days(1))
                .setTtl(ProtoTime.days(2))
                .setOwner("demo")
                .setDescription("Per origin airport, over the 7 days before each day")
                .build();
    }

    private ModelVersion promote(RegistryGrpc.RegistryBlockingStub registry, Job job) {
        ModelVersion version = registry.setAlias(SetAliasRequest.newBuilder()
                .setModel(job.getRegisteredModel())
                .setAlias("production")
                .setVersion(job.getRegisteredVersion())
                .build());
        out.printf("%n[registry] %s v%d: artifact %s, %,d bytes, sha256 %s…; alias production%n",
                version.getModel(), version.getVersion(), version.getArtifact().getFormat(),
                version.getArtifact().getSizeBytes(),
                version.getArtifact().getSha256().substring(0, 12));
        out.printf("[registry] lineage: run %s, data %s, views %s%n",
                version.getLineage().getRunId(),
                version.getLineage().getDatasetsList().stream()
                        .map(d -> d.getRole() + "=" + d.getContentSha256().substring(0, 12))
                        .toList(),
                version.getLineage().getFeatureViewsList().stream()
                        .map(v -> v.getName() + " v" + v.getVersion()).toList());
        return version;
    }

    private void load(PredictorGrpc.PredictorBlockingStub predictor) {
        LoadedModel loaded = predictor.loadModel(LoadModelRequest.newBuilder()
                .setModel(MODEL)
                .setAlias("production")
                .build());
        out.printf("[inference] loaded %s v%d (digest verified %s…), inputs %s%n",
                loaded.getModel(), loaded.getVersion(),
                loaded.getArtifactSha256().substring(0, 12), loaded.getFeatureNamesList());
    }

    /** Records each replayed flight's outcome with the monitor, when the mesh has the loop. */
    private DemoResult.Live feedOutcomesBack(MonitorGrpc.MonitorBlockingStub monitor,
            List<FlightRow> rows, long version) {
        if (!mesh.feedbackEnabled()) {
            out.printf("%n[monitor] feedback loop off (no Redis for the prediction log): live"
                    + " quality from outcomes skipped%n");
            return DemoResult.Live.off();
        }
        DemoResult.Live live = new OutcomeFeedback(monitor, REPLAY_REQUEST_IDS,
                options.concurrency(), out).run(rows, version, group -> true);
        ServedDriftLines.print(monitor, version, out);
        return live;
    }

    private TraceSummary traceSummary(MonitorGrpc.MonitorBlockingStub monitor) {
        sleepMillis(2500);
        return monitor.getTraceSummary(GetTraceSummaryRequest.getDefaultInstance());
    }

    /** Drift of the test month against the training months, column by column. */
    private DatasetDrift compareMonths(MonitorGrpc.MonitorBlockingStub monitor,
            FeatureView view, MonthSplit split) {
        List<String> columns = Stream.concat(
                Stream.of("distance", "origin", "destination", "date", "delay"),
                VIEW_FEATURES.stream().map(feature -> VIEW + "__" + feature)).toList();
        DatasetDrift drift = monitor.compareDatasets(CompareDatasetsRequest.newBuilder()
                .setReference(trainingSetRequest(view, split.trainStart(), split.testStart(),
                        options.trainFraction()))
                .setCurrent(testRequest(view, split, options))
                .addAllColumns(columns)
                .build());
        out.printf("%n[monitor] drift of %s against %s (date as hour of day, delay is the"
                + " label's source):%n", split.testMonth(), split.trainMonths());
        for (ColumnDrift column : drift.getColumnsList()) {
            out.printf("[monitor]   %-28s %-22s score %.4f  PSI %.4f  %s%n", column.getColumn(),
                    column.getMethod().name().replace("DRIFT_METHOD_", "").toLowerCase(
                            Locale.ROOT),
                    column.getScore(), column.getPsi(), column.getDrifted() ? "DRIFT" : "-");
        }
        out.printf("[monitor]   %d of %d columns drift: data set %s%n",
                drift.getDriftedCount(), drift.getTestedCount(),
                drift.getDatasetDrift() ? "DRIFTS" : "does not drift");
        return drift;
    }

    /** The trace of the slowest Predict call, or an empty trace when none was received. */
    private static Trace slowestPredict(MonitorGrpc.MonitorBlockingStub monitor,
            TraceSummary traces) {
        return traces.getOperationsList().stream()
                .filter(operation -> operation.getOperation().equals(PREDICT_OPERATION))
                .map(OperationSummary::getSlowestTraceId)
                .filter(traceId -> !traceId.isEmpty())
                .findFirst()
                .map(traceId -> monitor.getTrace(
                        GetTraceRequest.newBuilder().setTraceId(traceId).build()))
                .orElse(Trace.getDefaultInstance());
    }

    static GetTrainingSetRequest testRequest(FeatureView view, MonthSplit split,
            DemoOptions options) {
        return trainingSetRequest(view, split.testStart(), split.testEnd(),
                options.testFraction());
    }

    static GetTrainingSetRequest trainingSetRequest(FeatureView view, LocalDate start,
            LocalDate end, double fraction) {
        return GetTrainingSetRequest.newBuilder()
                .setSource(SOURCE)
                .addAllColumns(List.of("date", "delay", "distance", "origin", "destination"))
                .addJoins(ViewJoin.newBuilder().setView(VIEW).setVersion(view.getVersion())
                        .setEntityColumn("origin"))
                .setStart(ProtoTime.startOf(start))
                .setEnd(ProtoTime.startOf(end))
                .setSampleFraction(fraction)
                .build();
    }

    /**
     * The model inputs. Trees take numbers and airport indexes as they are; the MLP takes
     * standardized numbers and airports as integer codes, which it embeds.
     */
    static List<FeatureTransform> transforms(boolean mlp) {
        TransformKind number = mlp ? TransformKind.TRANSFORM_KIND_STANDARDIZE
                : TransformKind.TRANSFORM_KIND_NUMERIC;
        TransformKind airport = mlp ? TransformKind.TRANSFORM_KIND_INTEGER_ENCODING
                : TransformKind.TRANSFORM_KIND_CATEGORY_INDEX;
        List<FeatureTransform> own = List.of(
                transform("hour", TransformKind.TRANSFORM_KIND_HOUR_OF_DAY, "date"),
                transform("weekday", TransformKind.TRANSFORM_KIND_DAY_OF_WEEK, "date"),
                transform("distance", number, "distance"),
                transform("origin", airport, "origin"),
                transform("destination", airport, "destination"));
        List<FeatureTransform> online = VIEW_FEATURES.stream()
                .map(feature -> transform(VIEW + "__" + feature, number, VIEW + "__" + feature))
                .toList();
        return Stream.concat(own.stream(), online.stream()).toList();
    }

    private static FeatureTransform transform(String name, TransformKind kind, String column) {
        return FeatureTransform.newBuilder().setName(name).setKind(kind).setColumn(column)
                .build();
    }

    private static String testHashOf(Job job) {
        return job.getDatasetsList().stream()
                .filter(dataset -> dataset.getRole().equals("test"))
                .map(DatasetSummary::getContentSha256)
                .findFirst()
                .orElse("");
    }

    public static String percent(double fraction) {
        return fraction <= 0 || fraction >= 1 ? "all" : String.format("%.0f%%", 100 * fraction);
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where the demo reads flights from when no path is given. */
    public static Path carriedSubset(Path home) {
        return home.resolve("data/flights-20k.csv");
    }
}
