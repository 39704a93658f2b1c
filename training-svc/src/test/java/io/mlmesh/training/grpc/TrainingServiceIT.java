package io.mlmesh.training.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.mlmesh.core.metrics.BinaryMetrics;
import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.core.model.OnlineFeatureRef;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.NumericFit;
import io.mlmesh.core.transform.RowView;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.ViewJoin;
import io.mlmesh.registry.v1.DatasetRef;
import io.mlmesh.registry.v1.FeatureViewRef;
import io.mlmesh.registry.v1.RegisterVersionHeader;
import io.mlmesh.training.FlightsCsv;
import io.mlmesh.training.registry.VersionRequests;
import io.mlmesh.training.v1.CalibrationBin;
import io.mlmesh.training.v1.ConfusionMatrix;
import io.mlmesh.training.v1.CrossValidationKind;
import io.mlmesh.training.v1.DataPreparation;
import io.mlmesh.training.v1.DiffRunsRequest;
import io.mlmesh.training.v1.EvaluationSpec;
import io.mlmesh.training.v1.FairnessReport;
import io.mlmesh.training.v1.FairnessSpec;
import io.mlmesh.training.v1.FeatureTransform;
import io.mlmesh.training.v1.GetJobRequest;
import io.mlmesh.training.v1.GroupRates;
import io.mlmesh.training.v1.ImbalanceKind;
import io.mlmesh.training.v1.ImbalanceSpec;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobEvent;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.JobState;
import io.mlmesh.training.v1.LabelSpec;
import io.mlmesh.training.v1.ListJobsRequest;
import io.mlmesh.training.v1.ModelFamily;
import io.mlmesh.training.v1.ParamSearchSpace;
import io.mlmesh.training.v1.RunArtifact;
import io.mlmesh.training.v1.RunDiff;
import io.mlmesh.training.v1.SearchKind;
import io.mlmesh.training.v1.SliceMetrics;
import io.mlmesh.training.v1.SplitKind;
import io.mlmesh.training.v1.SplitSpec;
import io.mlmesh.training.v1.SubmitJobRequest;
import io.mlmesh.training.v1.TrainingGrpc;
import io.mlmesh.training.v1.TransformKind;
import io.mlmesh.training.v1.TuningResult;
import io.mlmesh.training.v1.TuningSpec;
import io.mlmesh.training.v1.ValueDiff;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The running training-svc over real gRPC, with in-test gRPC servers standing in for its two
 * peers: a feature store that streams the real flights sample and a registry that requires the
 * configured writer token and checks and records uploads. The real feature store and registry
 * are exercised together with this service by the lead's end-to-end test.
 */
@QuarkusTest
@QuarkusTestResource(value = PeerPorts.class, restrictToAnnotatedClass = true)
class TrainingServiceIT {

    private static final int ROUNDS = 15;
    private static final Timestamp MARCH = Timestamp.newBuilder()
            .setSeconds(LocalDateTime.of(2001, 3, 1, 0, 0).toEpochSecond(ZoneOffset.UTC))
            .build();
    private static final FlightsFeatureStorePeer FEATURE_STORE = new FlightsFeatureStorePeer();
    private static final RecordingRegistryPeer REGISTRY = new RecordingRegistryPeer();
    private static final List<Server> PEERS = new ArrayList<>();

    @TestHTTPResource
    URL serviceUrl;

    private ManagedChannel channel;
    private TrainingGrpc.TrainingBlockingStub training;

    @BeforeAll
    static void startPeers() throws IOException {
        PEERS.add(startPeer(PeerPorts.FEATURE_STORE_PORT, FEATURE_STORE.bindService()));
        PEERS.add(startPeer(PeerPorts.REGISTRY_PORT,
                REGISTRY.requiringToken(PeerPorts.REGISTRY_TOKEN)));
    }

    @AfterAll
    static void stopPeers() {
        PEERS.forEach(Server::shutdownNow);
    }

    @BeforeEach
    void connect() {
        channel = NettyChannelBuilder.forAddress(serviceUrl.getHost(), serviceUrl.getPort())
                .usePlaintext().build();
        training = TrainingGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void submitJob_flightsSpec_succeedsRegistersBundleAndServesSameAuc() throws Exception {
        FEATURE_STORE.close();
        Job submitted = training.submitJob(submit(spec("flights-delay", ROUNDS).toBuilder()
                .setEvaluation(EvaluationSpec.newBuilder()
                        .addSlices(transform("origin",
                                TransformKind.TRANSFORM_KIND_CATEGORY_INDEX, "origin"))
                        .addSlices(transform("month", TransformKind.TRANSFORM_KIND_MONTH,
                                "date")))
                .build()));
        Iterator<JobEvent> events = watch(submitted.getId());
        List<Job> seen = new ArrayList<>(List.of(events.next().getJob()));
        FEATURE_STORE.open();
        events.forEachRemaining(event -> seen.add(event.getJob()));

        Job job = seen.get(seen.size() - 1);
        assertEquals(JobState.JOB_STATE_QUEUED, submitted.getState());
        assertTrue(submitted.getId().matches("run-[0-9a-f-]{36}"), submitted.getId());
        assertEquals(JobState.JOB_STATE_SUCCEEDED, job.getState(), job.getError());
        assertEquals(List.of(JobState.JOB_STATE_LOADING_DATA, JobState.JOB_STATE_TRAINING,
                JobState.JOB_STATE_EVALUATING, JobState.JOB_STATE_REGISTERING,
                JobState.JOB_STATE_SUCCEEDED), seen.stream().map(Job::getState)
                .filter(state -> state != JobState.JOB_STATE_QUEUED).distinct().toList());
        assertEquals(IntStream.rangeClosed(1, ROUNDS).boxed().toList(), progressSteps(seen));
        assertEquals(job, training.getJob(GetJobRequest.newBuilder().setId(job.getId())
                .build()));
        assertSaneMetrics(job);
        assertEvaluationTables(job);
        RecordingRegistryPeer.Upload upload = uploadOf(job);
        assertUploadedBundle(upload, job);
        assertLineage(upload.header(), job);
        assertServedAucEqualsOffline(ModelBundle.fromBytes(upload.artifact()),
                job.getMetricsOrThrow("auc"));
    }

    @Test
    void submitJob_badSpecs_invalidArgumentNamingField() {
        assertInvalid("spec: is missing", SubmitJobRequest.getDefaultInstance());
        assertInvalid("spec.model_name: is empty",
                submit(spec("x", 1).toBuilder().clearModelName().build()));
        assertInvalid("spec.train: is missing",
                submit(spec("x", 1).toBuilder().clearTrain().build()));
        assertInvalid("spec.label.column: is empty",
                submit(spec("x", 1).toBuilder().clearLabel().build()));
        assertInvalid("spec.transforms: needs at least one transform",
                submit(spec("x", 1).toBuilder().clearTransforms().build()));
        assertInvalid("spec.params.booster: family MODEL_FAMILY_LOGISTIC_REGRESSION trains"
                + " booster gblinear, got 'gbtree'", submit(spec("x", 1).toBuilder()
                .setFamily(ModelFamily.MODEL_FAMILY_LOGISTIC_REGRESSION)
                .putParams("booster", "gbtree").build()));
        assertInvalid("spec.evaluation.threshold: must be between 0 and 1, got -0.5",
                submit(spec("x", 1).toBuilder().setEvaluation(EvaluationSpec.newBuilder()
                        .setThreshold(-0.5)).build()));
        assertInvalid("spec.params.num_round: num_round must be a positive integer, got 'many'",
                submit(spec("x", 1).toBuilder().putParams("num_round", "many").build()));
        assertInvalid("id: is empty", GetJobRequest.getDefaultInstance());
    }

    @Test
    void getWatchCancel_unknownJob_notFound() {
        GetJobRequest unknown = GetJobRequest.newBuilder().setId("run-unknown").build();

        List<StatusRuntimeException> errors = List.of(
                assertThrows(StatusRuntimeException.class, () -> training.getJob(unknown)),
                assertThrows(StatusRuntimeException.class, () -> training.cancelJob(unknown)),
                assertThrows(StatusRuntimeException.class,
                        () -> training.watchJob(unknown).hasNext()));

        for (StatusRuntimeException error : errors) {
            assertEquals(Status.Code.NOT_FOUND, error.getStatus().getCode());
            assertEquals("job run-unknown not found", error.getStatus().getDescription());
        }
    }

    @Test
    void cancelJob_runningJob_endsCancelledBeforeLastRound() {
        Job submitted = training.submitJob(submit(spec("flights-cancel", 100_000).toBuilder()
                .setRegister(false).build()));
        GetJobRequest id = GetJobRequest.newBuilder().setId(submitted.getId()).build();
        Iterator<JobEvent> events = watch(submitted.getId());
        Job job = events.next().getJob();
        while (job.getProgress().getStep() < 1) {
            job = events.next().getJob();
        }

        Job afterCancel = training.cancelJob(id);
        while (events.hasNext()) {
            job = events.next().getJob();
        }

        assertEquals(JobState.JOB_STATE_TRAINING, afterCancel.getState());
        assertEquals(JobState.JOB_STATE_CANCELLED, job.getState());
        assertTrue(job.getProgress().getStep() < 100, "stopped at " + job.getProgress());
        assertTrue(job.hasFinishedAt());
        StatusRuntimeException again = assertThrows(StatusRuntimeException.class,
                () -> training.cancelJob(id));
        assertEquals(Status.Code.FAILED_PRECONDITION, again.getStatus().getCode());
        assertEquals("job " + job.getId() + " already ended JOB_STATE_CANCELLED",
                again.getStatus().getDescription());
        assertTrue(training.listJobs(ListJobsRequest.getDefaultInstance()).getJobsList()
                .contains(job));
    }

    @Test
    void submitJob_logisticRegression_registersLinearModelServedWithSameAuc() throws Exception {
        JobSpec spec = spec("flights-linear", 1).toBuilder()
                .setFamily(ModelFamily.MODEL_FAMILY_LOGISTIC_REGRESSION)
                .clearParams()
                .build();

        Job job = runToEnd(spec);

        assertEquals(JobState.JOB_STATE_SUCCEEDED, job.getState(), job.getError());
        double auc = job.getMetricsOrThrow("auc");
        assertTrue(auc > 0.6 && auc < 0.75, "linear baseline auc " + auc);
        assertEquals("gblinear", job.getSpec().getParamsOrThrow("booster"));
        assertEquals(100, job.getProgress().getTotalSteps());
        assertEquals(6, job.getFeatureImportanceCount());
        RecordingRegistryPeer.Upload upload = uploadOf(job);
        ModelBundle bundle = ModelBundle.fromBytes(upload.artifact());
        assertEquals("xgboost", bundle.manifest().family());
        assertEquals("logistic_regression", bundle.manifest().params().get("model_family"));
        assertEquals("logistic_regression", upload.header().getTagsOrThrow("model_family"));
        assertEquals("xgboost", upload.header().getTagsOrThrow("family"));
        assertServedAucEqualsOffline(bundle, auc);
    }

    @Test
    void submitJob_standardizeAndOneHot_registersBundleHoldingFittedState() throws Exception {
        JobSpec spec = spec("flights-scaled", 5).toBuilder()
                .clearTransforms()
                .addTransforms(transform("hour", TransformKind.TRANSFORM_KIND_HOUR_OF_DAY, "date"))
                .addTransforms(transform("distance_z", TransformKind.TRANSFORM_KIND_STANDARDIZE,
                        "distance"))
                .addTransforms(transform("origin", TransformKind.TRANSFORM_KIND_ONE_HOT,
                        "origin").toBuilder().setMaxVocabularySize(12))
                .addTransforms(transform("origin_late_share", TransformKind.TRANSFORM_KIND_NUMERIC,
                        FlightsCsv.FEATURE_COLUMN))
                .build();

        Job job = runToEnd(spec);

        assertEquals(JobState.JOB_STATE_SUCCEEDED, job.getState(), job.getError());
        assertEquals(spec.getTransformsList(), job.getSpec().getTransformsList());
        List<FlightsCsv.Flight> train = FlightsCsv.read().stream()
                .filter(flight -> flight.timeMicros() < MARCH.getSeconds() * 1_000_000L)
                .toList();
        ModelBundle bundle = ModelBundle.fromBytes(uploadOf(job).artifact());
        assertFittedDistance(bundle.manifest().numericFits().get("distance_z"), train);
        assertEquals(topOrigins(train, 12), bundle.manifest().vocabularies().get("origin"));
        assertEquals(1 + 1 + 13 + 1, job.getFeatureImportanceCount());
        assertTrue(job.getFeatureImportanceList().stream()
                .anyMatch(importance -> importance.getFeature().equals("origin=<oov>")));
        assertServedAucEqualsOffline(bundle, job.getMetricsOrThrow("auc"));
    }

    @Test
    void submitJob_fairnessLimitExceeded_failsUnregisteredWithFigures() {
        JobSpec spec = spec("flights-fair", 5).toBuilder()
                .setEvaluation(EvaluationSpec.newBuilder().setThreshold(0.25))
                .setFairness(FairnessSpec.newBuilder()
                        .setAttribute(transform("hour", TransformKind.TRANSFORM_KIND_HOUR_OF_DAY,
                                "date"))
                        .setMaxDemographicParityDifference(0.05))
                .build();

        Job job = runToEnd(spec);

        assertEquals(JobState.JOB_STATE_FAILED, job.getState());
        FairnessReport fairness = job.getFairness();
        assertEquals("hour", fairness.getAttribute());
        assertTrue(fairness.getDemographicParityDifference() > 0.05, fairness.toString());
        assertTrue(job.getError().startsWith(String.format(Locale.ROOT,
                "demographic parity difference %.4f for hour exceeds the limit 0.0500"
                        + " (selection rates: ", fairness.getDemographicParityDifference())),
                job.getError());
        assertTrue(job.getError().endsWith("; not registered"), job.getError());
        assertEquals(0, job.getRegisteredVersion());
        assertTrue(REGISTRY.uploads().stream().noneMatch(upload ->
                upload.header().getLineage().getRunId().equals(job.getId())));
        long testRows = (long) job.getMetricsOrThrow("test_rows");
        assertEquals(testRows, fairness.getGroupsList().stream()
                .mapToLong(GroupRates::getRowCount).sum());
    }

    @Test
    void submitJob_registryRefuses_jobFailsWithRegistryError() {
        Job job = runToEnd(spec(RecordingRegistryPeer.REFUSED_MODEL, 2));

        assertEquals(JobState.JOB_STATE_FAILED, job.getState());
        assertEquals("registry RegisterVersion for model refused-model failed:"
                + " FAILED_PRECONDITION: model refused-model takes no versions", job.getError());
        assertTrue(job.getMetricsOrThrow("auc") > 0.5, "evaluation kept: " + job);
    }

    @Test
    void submitJob_transformOnAbsentColumn_jobFailsNamingColumn() {
        JobSpec spec = spec("flights-absent", 2).toBuilder()
                .addTransforms(transform("gate", TransformKind.TRANSFORM_KIND_NUMERIC, "gate"))
                .build();

        Job job = runToEnd(spec);

        assertEquals(JobState.JOB_STATE_FAILED, job.getState());
        assertTrue(job.getError().startsWith(
                "train set has no column 'gate' read by transform gate"), job.getError());
    }

    @Test
    void submitJob_unknownSource_jobFailsWithFeatureStoreStatus() {
        JobSpec spec = spec("flights-unknown", 2).toBuilder()
                .setTrain(GetTrainingSetRequest.newBuilder().setSource("trains"))
                .build();

        Job job = runToEnd(spec);

        assertEquals(JobState.JOB_STATE_FAILED, job.getState());
        assertEquals("feature store GetTrainingSet for the train set (source trains) failed:"
                + " NOT_FOUND: source trains not found", job.getError());
    }

    @Test
    void submitJob_stratifiedSplitWithClassWeights_tracksRunAndLinksRegistryVersion()
            throws Exception {
        JobSpec spec = spec("flights-tracked", 8).toBuilder()
                .clearTest()
                .setSplit(SplitSpec.newBuilder().setKind(SplitKind.SPLIT_KIND_STRATIFIED)
                        .setTestFraction(0.25).setSeed(11))
                .setImbalance(ImbalanceSpec.newBuilder()
                        .setKind(ImbalanceKind.IMBALANCE_KIND_CLASS_WEIGHTS))
                .putTags("team", "ops")
                .build();

        Job job = runToEnd(spec);

        assertEquals(JobState.JOB_STATE_SUCCEEDED, job.getState(), job.getError());
        DataPreparation preparation = job.getPreparation();
        long trainRows = job.getDatasets(0).getRowCount();
        long testRows = job.getDatasets(1).getRowCount();
        assertEquals(FlightsCsv.read().stream().filter(f -> f.timeMicros() < marchMicros())
                .count(), trainRows + testRows);
        assertEquals(Math.round((trainRows + testRows) * 0.25), testRows, 1);
        assertEquals(job.getDatasets(0).getPositiveShare(), job.getDatasets(1)
                .getPositiveShare(), 0.002, "stratified: same late share");
        double positiveWeight = preparation.getPositiveWeight();
        double share = preparation.getPositiveShareBeforeSampling();
        assertEquals((1 - share) / share, positiveWeight, 1e-9);
        assertEquals("NaN", preparation.getMissingValue());
        assertEquals(6, preparation.getMissingInputsCount());
        assertEquals(16, job.getMetricHistoryCount());
        assertEquals(List.of(1, 8), List.of(job.getMetricHistory(0).getStep(),
                job.getMetricHistory(15).getStep()));
        assertEquals("ops", job.getTagsOrThrow("team"));
        assertTrue(!job.getCodeVersion().isBlank() && !job.getDatasetVersion().isBlank(),
                job.getCodeVersion() + " " + job.getDatasetVersion());
        assertEquals(FlightsCsv.VIEW, job.getFeatureViews(0).getName());

        RecordingRegistryPeer.Upload upload = uploadOf(job);
        assertEquals(job.getId(), upload.header().getTagsOrThrow("run_id"));
        assertEquals("SPLIT_KIND_STRATIFIED", upload.header().getTagsOrThrow("split"));
        assertEquals("11", upload.header().getTagsOrThrow("split_seed"));
        assertEquals("IMBALANCE_KIND_CLASS_WEIGHTS", upload.header().getTagsOrThrow("imbalance"));
        assertEquals("NaN", upload.header().getTagsOrThrow("missing_value"));
        assertEquals(positiveWeight, Double.parseDouble(upload.header().getParamsOrThrow(
                "scale_pos_weight")), 1e-12);
        RunArtifact bundle = job.getArtifactsList().stream()
                .filter(artifact -> artifact.getName().equals("model_bundle")).findFirst()
                .orElseThrow();
        assertEquals("registry://flights-tracked/" + job.getRegisteredVersion(),
                bundle.getUri());
        assertEquals(upload.header().getArtifact().getSha256(), bundle.getSha256());
    }

    @Test
    void diffRunsAndListJobs_childRunsUnderParent_filteredAndDiffed() {
        Job parent = runToEnd(spec("flights-parent", 3).toBuilder().setRegister(false).build());
        JobSpec child = spec("flights-child", 3).toBuilder().setRegister(false)
                .setParentRunId(parent.getId()).putTags("trial", "1")
                .putParams("max_depth", "3")
                .setImbalance(ImbalanceSpec.newBuilder()
                        .setKind(ImbalanceKind.IMBALANCE_KIND_DOWNSAMPLE).setSeed(4))
                .build();
        Job first = runToEnd(child);
        Job second = runToEnd(child.toBuilder().putTags("trial", "2").putParams("max_depth", "5")
                .build());

        List<Job> children = training.listJobs(ListJobsRequest.newBuilder()
                .setParentRunId(parent.getId()).build()).getJobsList();
        List<Job> secondOnly = training.listJobs(ListJobsRequest.newBuilder()
                .setParentRunId(parent.getId()).putTags("trial", "2").build()).getJobsList();
        RunDiff diff = training.diffRuns(DiffRunsRequest.newBuilder().setRunA(first.getId())
                .setRunB(second.getId()).build());

        assertEquals(List.of(first.getId(), second.getId()),
                children.stream().map(Job::getId).toList());
        assertEquals(List.of(second.getId()), secondOnly.stream().map(Job::getId).toList());
        assertEquals(first.getPreparation().getTrainRows(),
                2 * Math.round(first.getPreparation().getTrainRowsBeforeSampling()
                        * first.getPreparation().getPositiveShareBeforeSampling()));
        assertEquals(List.of(ValueDiff.newBuilder().setName("max_depth").setA("3").setB("5")
                .build()), diff.getParamsList());
        assertEquals(List.of(ValueDiff.newBuilder().setName("trial").setA("1").setB("2")
                .build()), diff.getTagsList());
        assertTrue(diff.getConfigList().isEmpty(), diff.getConfigList().toString());
        assertTrue(diff.getMetricsList().stream().anyMatch(m -> m.getName().equals("auc")),
                diff.getMetricsList().toString());
        StatusRuntimeException unknownParent = assertThrows(StatusRuntimeException.class,
                () -> training.submitJob(submit(child.toBuilder().setParentRunId("run-none")
                        .build())));
        assertEquals("spec.parent_run_id: no run 'run-none'",
                unknownParent.getStatus().getDescription());
        StatusRuntimeException unknownRun = assertThrows(StatusRuntimeException.class,
                () -> training.diffRuns(DiffRunsRequest.newBuilder().setRunA(first.getId())
                        .setRunB("run-none").build()));
        assertEquals(Status.Code.NOT_FOUND, unknownRun.getStatus().getCode());
    }

    @Test
    void submitJob_gridSearchTimeSeriesCv_trialsAreChildRunsAndBestTrainsTheModel() {
        JobSpec spec = spec("flights-tuned", 60).toBuilder()
                .setRegister(false)
                .setTuning(TuningSpec.newBuilder()
                        .setSearch(SearchKind.SEARCH_KIND_GRID)
                        .addSpace(ParamSearchSpace.newBuilder().setName("max_depth")
                                .addValues("2").addValues("6"))
                        .addSpace(ParamSearchSpace.newBuilder().setName("eta").addValues("0.3")
                                .addValues("1"))
                        .setCrossValidation(CrossValidationKind.CROSS_VALIDATION_KIND_TIME_SERIES)
                        .setFolds(2)
                        .setMaxTrials(3)
                        .setEarlyStoppingRounds(4))
                .build();

        Job job = runToEnd(spec);

        assertEquals(JobState.JOB_STATE_SUCCEEDED, job.getState(), job.getError());
        TuningResult tuning = job.getTuning();
        assertEquals(3, tuning.getTrials());
        assertEquals("max_trials", tuning.getStoppedBy());
        List<Job> trials = training.listJobs(ListJobsRequest.newBuilder()
                .setParentRunId(job.getId()).build()).getJobsList();
        assertEquals(3, trials.size());
        Job best = trials.stream().min(Comparator.comparingDouble(
                trial -> trial.getMetricsOrThrow("cv_log_loss"))).orElseThrow();
        assertEquals(best.getId(), tuning.getBestRunId());
        assertEquals(best.getMetricsOrThrow("cv_log_loss"), tuning.getBestCvLogLoss(), 0.0);
        assertEquals(best.getSpec().getParamsOrThrow("max_depth"),
                tuning.getBestParamsOrThrow("max_depth"));
        assertEquals(List.of("1", "2", "3"), trials.stream()
                .map(trial -> trial.getTagsOrThrow("trial")).toList());
        for (Job trial : trials) {
            assertEquals(JobState.JOB_STATE_SUCCEEDED, trial.getState());
            assertTrue(trial.getMetricHistoryList().stream().anyMatch(
                    point -> point.getName().equals("validation_loss_fold_2")), trial.getId());
            assertTrue(trial.getMetricsOrThrow("best_rounds") < 60,
                    "early stopped: " + trial.getMetricsMap());
        }
        assertEquals(tuning.getBestRounds(), job.getProgress().getTotalSteps());
        assertTrue(job.getMetricsOrThrow("auc") > 0.6, job.getMetricsMap().toString());
    }

    private static long marchMicros() {
        return TimeUnit.SECONDS.toMicros(MARCH.getSeconds());
    }

    private Job runToEnd(JobSpec spec) {
        Iterator<JobEvent> events = watch(training.submitJob(submit(spec)).getId());
        Job job = null;
        while (events.hasNext()) {
            job = events.next().getJob();
        }
        return job;
    }

    private Iterator<JobEvent> watch(String jobId) {
        return training.withDeadlineAfter(120, TimeUnit.SECONDS)
                .watchJob(GetJobRequest.newBuilder().setId(jobId).build());
    }

    private void assertInvalid(String description, Object request) {
        StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
                () -> {
                    if (request instanceof SubmitJobRequest submit) {
                        training.submitJob(submit);
                    } else {
                        training.getJob((GetJobRequest) request);
                    }
                });
        assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
        assertEquals(description, error.getStatus().getDescription());
    }

    private static void assertSaneMetrics(Job job) {
        double auc = job.getMetricsOrThrow("auc");
        assertTrue(auc > 0.6 && auc < 1, "auc " + auc);
        assertTrue(job.getMetricsOrThrow("log_loss") > 0.2
                && job.getMetricsOrThrow("log_loss") < 0.6, job.getMetricsMap().toString());
        assertTrue(job.getMetricsOrThrow("accuracy") > 0.7, job.getMetricsMap().toString());
        assertTrue(job.getMetricsOrThrow("brier") < 0.25, job.getMetricsMap().toString());
        long marchRows = FlightsCsv.read().stream()
                .filter(flight -> flight.timeMicros() >= MARCH.getSeconds() * 1_000_000L)
                .count();
        assertEquals(20_000 - marchRows, job.getMetricsOrThrow("train_rows"));
        assertEquals(marchRows, job.getMetricsOrThrow("test_rows"));
        double share = job.getMetricsOrThrow("positive_share");
        assertTrue(share > 0.1 && share < 0.35, "positive share " + share);
        assertEquals("6", job.getSpec().getParamsOrThrow("max_depth"));
        assertEquals(String.valueOf(ROUNDS), job.getSpec().getParamsOrThrow("num_round"));
    }

    private static void assertEvaluationTables(Job job) {
        long testRows = (long) job.getMetricsOrThrow("test_rows");
        ConfusionMatrix confusion = job.getConfusionMatrix();
        assertEquals(0.5, confusion.getThreshold());
        assertEquals(testRows, confusion.getTruePositives() + confusion.getFalsePositives()
                + confusion.getTrueNegatives() + confusion.getFalseNegatives());
        assertEquals(job.getMetricsOrThrow("accuracy"), (double) (confusion.getTruePositives()
                + confusion.getTrueNegatives()) / testRows, 1e-12);
        assertTrue(job.getMetricsOrThrow("pr_auc") > job.getMetricsOrThrow("positive_share"),
                job.getMetricsMap().toString());
        assertEquals(10, job.getCalibrationCount());
        assertEquals(testRows, job.getCalibrationList().stream()
                .mapToLong(CalibrationBin::getRowCount).sum());
        List<SliceMetrics> months = job.getSlicesList().stream()
                .filter(slice -> slice.getSlice().equals("month")).toList();
        assertEquals(1, months.size(), "the test set is March only: " + months);
        assertEquals("3", months.get(0).getValue());
        assertEquals(testRows, months.get(0).getRowCount());
        assertEquals(job.getMetricsOrThrow("auc"), months.get(0).getMetricsOrThrow("auc"),
                1e-12);
        SliceMetrics ord = job.getSlicesList().stream()
                .filter(slice -> slice.getSlice().equals("origin")
                        && slice.getValue().equals("ORD")).findFirst().orElseThrow();
        assertTrue(ord.getRowCount() >= 50 && !Double.isNaN(ord.getMetricsOrThrow("auc")),
                ord.toString());
        assertTrue(job.getSlicesList().stream().anyMatch(slice -> slice.getRowCount() < 50
                && Double.isNaN(slice.getMetricsOrThrow("log_loss"))), "small slices are NaN");
        assertEquals(6, job.getFeatureImportanceCount());
        assertEquals("hour", job.getFeatureImportance(0).getFeature());
    }

    private static RecordingRegistryPeer.Upload uploadOf(Job job) {
        return REGISTRY.uploads().stream()
                .filter(upload -> upload.header().getLineage().getRunId().equals(job.getId()))
                .findFirst()
                .orElseThrow();
    }

    private static void assertUploadedBundle(RecordingRegistryPeer.Upload upload, Job job) {
        RegisterVersionHeader header = upload.header();
        assertEquals("Bearer " + PeerPorts.REGISTRY_TOKEN, upload.authorization());
        assertEquals("flights-delay", header.getModel());
        assertEquals(ModelBundle.FORMAT, header.getArtifact().getFormat());
        assertEquals(VersionRequests.sha256Hex(upload.artifact()),
                header.getArtifact().getSha256());
        assertEquals(upload.artifact().length, header.getArtifact().getSizeBytes());
        assertEquals(job.getMetricsMap(), header.getMetricsMap());
        assertEquals(job.getSpec().getParamsMap(), header.getParamsMap());
        assertEquals(upload.version().getModel(), job.getRegisteredModel());
        assertEquals(upload.version().getVersion(), job.getRegisteredVersion());
        ModelBundle bundle = ModelBundle.fromBytes(upload.artifact());
        assertEquals("xgboost", bundle.manifest().family());
        assertEquals("delay", bundle.manifest().labelColumn());
        assertEquals(15.0, bundle.manifest().labelThreshold());
        assertEquals(List.of(new OnlineFeatureRef(FlightsCsv.VIEW,
                FlightsFeatureStorePeer.VIEW_VERSION, "origin", List.of(FlightsCsv.FEATURE))),
                bundle.manifest().onlineFeatures());
        assertTrue(bundle.manifest().vocabularies().get("origin").contains("ORD"));
        assertEquals(job.getSpec().getParamsMap(), bundle.manifest().params());
        assertEquals(job.getDatasets(0).getRowCount(), bundle.reference().features().rowCount());
        assertEquals(job.getDatasets(1).getRowCount(), bundle.reference().prediction().count());
    }

    private static void assertLineage(RegisterVersionHeader header, Job job) {
        GetTrainingSetRequest test = job.getSpec().getTest();
        List<DatasetRef> datasets = header.getLineage().getDatasetsList();
        assertEquals(job.getId(), header.getLineage().getRunId());
        assertEquals(List.of("train", "test"), datasets.stream().map(DatasetRef::getRole)
                .toList());
        assertEquals(FEATURE_STORE.summaryOf(job.getSpec().getTrain()).getContentSha256(),
                datasets.get(0).getContentSha256());
        assertEquals(FEATURE_STORE.summaryOf(test).getContentSha256(),
                datasets.get(1).getContentSha256());
        assertEquals(FEATURE_STORE.summaryOf(test).getRowCount(), datasets.get(1).getRowCount());
        assertEquals(datasets.get(0).getContentSha256(), job.getDatasets(0).getContentSha256());
        assertEquals(List.of(FeatureViewRef.newBuilder().setName(FlightsCsv.VIEW)
                .setVersion(FlightsFeatureStorePeer.VIEW_VERSION).build()),
                header.getLineage().getFeatureViewsList());
    }

    /** Scores each March flight alone, as serving would, and checks the AUC is the job's. */
    private static void assertServedAucEqualsOffline(ModelBundle bundle, double offlineAuc)
            throws Exception {
        List<FlightsCsv.Flight> march = FlightsCsv.read().stream()
                .filter(flight -> flight.timeMicros() >= MARCH.getSeconds() * 1_000_000L)
                .toList();
        FeatureVectorizer vectorizer = bundle.vectorizer();
        Booster booster = XGBoost.loadModel(bundle.modelBytes());
        double[] scores = new double[march.size()];
        int[] labels = new int[march.size()];
        for (int i = 0; i < scores.length; i++) {
            DMatrix row = new DMatrix(vectorizer.vectorize(new FlightRow(march.get(i))), 1,
                    vectorizer.width(), Float.NaN);
            scores[i] = booster.predict(row)[0][0];
            row.dispose();
            labels[i] = march.get(i).delay() > 15 ? 1 : 0;
        }
        booster.dispose();

        assertEquals(offlineAuc, BinaryMetrics.auc(scores, labels), 0.0);
    }

    /** The bundle's mean and deviation of distance against those of the training flights. */
    private static void assertFittedDistance(NumericFit fit, List<FlightsCsv.Flight> train) {
        double mean = train.stream().mapToDouble(FlightsCsv.Flight::distance).sum()
                / train.size();
        double variance = train.stream()
                .mapToDouble(flight -> (flight.distance() - mean) * (flight.distance() - mean))
                .sum() / train.size();
        assertEquals(train.size(), fit.count());
        assertEquals(mean, fit.mean(), 1e-9 * mean);
        assertEquals(Math.sqrt(variance), fit.standardDeviation(), 1e-9 * Math.sqrt(variance));
    }

    /** The most frequent training origins, ties by code, as the one-hot vocabulary keeps them. */
    private static List<String> topOrigins(List<FlightsCsv.Flight> train, int limit) {
        Map<String, Long> counts = train.stream().collect(Collectors.groupingBy(
                FlightsCsv.Flight::origin, Collectors.counting()));
        return counts.keySet().stream()
                .sorted(Comparator.comparing((String origin) -> -counts.get(origin))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(limit)
                .toList();
    }

    private static List<Integer> progressSteps(List<Job> seen) {
        return seen.stream()
                .filter(job -> job.getState() == JobState.JOB_STATE_TRAINING)
                .map(job -> job.getProgress().getStep())
                .filter(step -> step > 0)
                .toList();
    }

    private static SubmitJobRequest submit(JobSpec spec) {
        return SubmitJobRequest.newBuilder().setSpec(spec).build();
    }

    private static JobSpec spec(String model, int rounds) {
        GetTrainingSetRequest.Builder request = GetTrainingSetRequest.newBuilder()
                .setSource("flights")
                .addAllColumns(List.of("date", "delay", "distance", "origin", "destination"))
                .addJoins(ViewJoin.newBuilder().setView(FlightsCsv.VIEW).setEntityColumn("origin"));
        return JobSpec.newBuilder()
                .setModelName(model)
                .setTrain(request.clone().setEnd(MARCH))
                .setTest(request.clone().setStart(MARCH))
                .setLabel(LabelSpec.newBuilder().setColumn("delay").setThreshold(15))
                .addTransforms(transform("hour", TransformKind.TRANSFORM_KIND_HOUR_OF_DAY, "date"))
                .addTransforms(transform("weekday", TransformKind.TRANSFORM_KIND_DAY_OF_WEEK,
                        "date"))
                .addTransforms(transform("distance", TransformKind.TRANSFORM_KIND_NUMERIC,
                        "distance"))
                .addTransforms(transform("origin", TransformKind.TRANSFORM_KIND_CATEGORY_INDEX,
                        "origin"))
                .addTransforms(transform("destination",
                        TransformKind.TRANSFORM_KIND_CATEGORY_INDEX, "destination"))
                .addTransforms(transform("origin_late_share", TransformKind.TRANSFORM_KIND_NUMERIC,
                        FlightsCsv.FEATURE_COLUMN))
                .setFamily(ModelFamily.MODEL_FAMILY_XGBOOST)
                .putParams("num_round", String.valueOf(rounds))
                .setRegister(true)
                .setDescription("flights late departures")
                .build();
    }

    private static FeatureTransform transform(String name, TransformKind kind, String column) {
        return FeatureTransform.newBuilder().setName(name).setKind(kind).setColumn(column)
                .build();
    }

    private static Server startPeer(String portKey, ServerServiceDefinition peer)
            throws IOException {
        int port = ConfigProvider.getConfig().getValue(portKey, Integer.class);
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(peer).build().start();
    }

    /** One flight read by column name, the way a serving request is. */
    private record FlightRow(FlightsCsv.Flight flight) implements RowView {

        @Override
        public double number(String column) {
            return switch (column) {
                case "distance" -> flight.distance();
                case "delay" -> flight.delay();
                case FlightsCsv.FEATURE_COLUMN -> flight.originLateShare();
                default -> Double.NaN;
            };
        }

        @Override
        public String text(String column) {
            return switch (column) {
                case "origin" -> flight.origin();
                case "destination" -> flight.destination();
                default -> null;
            };
        }

        @Override
        public long timeMicros(String column) {
            return "date".equals(column) ? flight.timeMicros() : MISSING_TIME;
        }
    }
}
