package io.mlmesh.training.job;

import ai.djl.engine.EngineException;
import io.mlmesh.core.mlp.MlpInputLayout;
import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.training.data.FeatureMatrix;
import io.mlmesh.training.data.LabelRule;
import io.mlmesh.training.data.MatrixBuilder;
import io.mlmesh.training.data.TrainingSet;
import io.mlmesh.training.data.TrainingSetReader;
import io.mlmesh.training.drift.ReferenceProfiler;
import io.mlmesh.training.mlp.MlpParams;
import io.mlmesh.training.mlp.MlpTrainer;
import io.mlmesh.training.registry.ModelRegistrar;
import io.mlmesh.training.registry.VersionMetadata;
import io.mlmesh.training.registry.VersionRequests;
import io.mlmesh.training.v1.DataPreparation;
import io.mlmesh.training.v1.DatasetSummary;
import io.mlmesh.training.v1.EvaluationSpec;
import io.mlmesh.training.v1.FairnessReport;
import io.mlmesh.training.v1.FairnessSpec;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.JobState;
import io.mlmesh.training.v1.MetricPoint;
import io.mlmesh.training.v1.ModelFamily;
import io.mlmesh.training.v1.Progress;
import io.mlmesh.training.v1.TuningResult;
import io.mlmesh.training.xgboost.RoundListener;
import io.mlmesh.training.xgboost.TrainedModel;
import io.mlmesh.training.xgboost.XgboostParams;
import io.mlmesh.training.xgboost.XgboostTrainer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.jboss.logging.Logger;

/**
 * The steps of one job (XGBoost trees or logistic regression, or the DJL MLP), from data to a
 * registered version: LOADING_DATA, TRAINING, EVALUATING and, when asked, REGISTERING. Each
 * step records its state, and what it learned, in the job store; the runner owns the job's
 * start and end. Loading applies the spec's split (test rows cut from the train request,
 * random or stratified, before any transform is fitted) and class-imbalance handling
 * (down-sampling of the train matrix, or the positive class's weight); with a tuning spec,
 * training is preceded by a cross-validated search whose trials are child runs ({@link Tuner}).
 * Evaluation records the test metrics, confusion matrix, calibration deciles, slices, SHAP
 * importance (trees and linear models) and, when the spec names a sensitive attribute, group
 * fairness; a fairness limit the model breaks fails the job after evaluation, before
 * registration. What a run records besides its state (loss history, data versions, artifacts,
 * registry tags) is built by {@link RunRecords}.
 *
 * <p>Runs on the job runner's single thread. The cancel check is called between steps and after
 * every boosting round or epoch.
 */
@ApplicationScoped
public class TrainingPipeline {

    private static final Logger LOG = Logger.getLogger(TrainingPipeline.class);

    private final JobStore store;
    private final TrainingSetReader reader;
    private final XgboostTrainer trainer = new XgboostTrainer();
    private final MlpTrainer mlpTrainer;
    private final ModelRegistrar registrar;
    private final Tuner tuner;

    @Inject
    public TrainingPipeline(JobStore store, TrainingSetReader reader, ModelRegistrar registrar,
            MlpTrainer mlpTrainer) {
        this.store = store;
        this.reader = reader;
        this.registrar = registrar;
        this.tuner = new Tuner(store, trainer);
        this.mlpTrainer = mlpTrainer;
    }

    /**
     * Runs every step of a job that was just taken from the queue.
     *
     * @param cancelCheck throws {@link JobCancelledException} once a cancel was asked for
     * @throws XGBoostError when the engine fails
     * @throws InterruptedException when the runner's thread is interrupted
     */
    public void run(Job job, Runnable cancelCheck) throws XGBoostError, InterruptedException {
        JobSpec spec = job.getSpec();
        LabelRule label = SpecMapping.label(spec);

        PreparedData data = prepare(job.getId(), spec, label, cancelCheck);
        cancelCheck.run();
        Map<String, String> params = RunRecords.trainedParams(spec, data.positiveWeight());
        if (spec.hasTuning()) {
            params = tune(job.getId(), params, data, cancelCheck);
        }
        TrainedModel model = train(job.getId(), spec.getFamily(), params, data, cancelCheck);
        Map<String, Double> metrics = evaluate(job.getId(), spec, data, model);
        cancelCheck.run();
        if (spec.getRegister()) {
            register(job.getId(), new VersionMetadata(spec.getModelName(), job.getId(),
                    spec.getDescription(), params, metrics, data.train(), data.test()),
                    RunRecords.versionTags(spec, job.getId(), data.positiveWeight()),
                    withReference(VersionRequests.bundle(data.vectorizer(), spec.getTrain(),
                            data.train(), label, params, model.modelBytes()), data, model));
        }
    }

    /** The bundle with the drift reference the monitor compares served traffic with. */
    private static ModelBundle withReference(ModelBundle bundle, PreparedData data,
            TrainedModel model) {
        return new ModelBundle(bundle.manifest(), bundle.modelBytes(), ReferenceProfiler.profile(
                data.vectorizer().transforms(), data.train(), model.testScores()));
    }

    private PreparedData prepare(String jobId, JobSpec spec, LabelRule label,
            Runnable cancelCheck) {
        enter(jobId, JobState.JOB_STATE_LOADING_DATA);
        long startNanos = System.nanoTime();
        List<FeatureTransform> transforms = SpecMapping.transforms(spec);
        TrainingSet[] sets = readSets(spec, label, cancelCheck);
        TrainingSet train = sets[0];
        TrainingSet test = sets[1];
        checkUsable(train, test, transforms, label);
        checkGroupingColumns(spec, test, label);
        FeatureVectorizer vectorizer = fit(transforms, train);
        FeatureMatrix allTrainRows = MatrixBuilder.build(train, vectorizer, label);
        FeatureMatrix trainMatrix = DataSplits.sample(spec.getImbalance(), allTrainRows);
        double positiveWeight = DataSplits.positiveWeight(spec.getImbalance(), trainMatrix);
        PreparedData data = new PreparedData(train, test, vectorizer, trainMatrix,
                MatrixBuilder.build(test, vectorizer, label), positiveWeight);

        DataPreparation preparation = DataSplits.record(allTrainRows, trainMatrix,
                positiveWeight, vectorizer.featureNames());
        store.update(jobId, current -> RunRecords.withData(current, preparation, train, test));
        LOG.infof("job=%s data loaded split=%s train_rows=%d test_rows=%d width=%d"
                + " positive_weight=%.4f load_millis=%d", jobId, spec.getSplit().getKind().name(),
                data.trainMatrix().rows(), data.testMatrix().rows(), vectorizer.width(),
                positiveWeight, (System.nanoTime() - startNanos) / 1_000_000);
        return data;
    }

    /** The train and test sets: two requests, or test rows cut from the train request's. */
    private TrainingSet[] readSets(JobSpec spec, LabelRule label, Runnable cancelCheck) {
        TrainingSet train = reader.read("train", spec.getTrain());
        cancelCheck.run();
        if (DataSplits.cutsTestFromTrain(spec.getSplit())) {
            return DataSplits.split(spec.getSplit(), train, label);
        }
        return new TrainingSet[] {train, reader.read("test", spec.getTest())};
    }

    private Map<String, Double> evaluate(String jobId, JobSpec spec, PreparedData data,
            TrainedModel model) {
        enter(jobId, JobState.JOB_STATE_EVALUATING);
        EvaluationSpec evaluation = spec.getEvaluation();
        double threshold = evaluation.getThreshold();
        double[] scores = model.testScores();
        Map<String, Double> metrics = Evaluation.metrics(data.trainMatrix(), data.testMatrix(),
                scores, threshold);
        Job.Builder evaluated = Job.newBuilder()
                .putAllMetrics(metrics)
                .addDatasets(summary("train", data.train(), data.trainMatrix()))
                .addDatasets(summary("test", data.test(), data.testMatrix()))
                .setConfusionMatrix(Evaluation.confusionMatrix(data.testMatrix(), scores,
                        threshold))
                .addAllCalibration(Evaluation.calibration(data.testMatrix(), scores))
                .addAllSlices(slices(spec, data, scores))
                .addAllFeatureImportance(Evaluation.importance(
                        data.vectorizer().featureNames(), model.meanAbsContributions()));
        if (spec.hasFairness()) {
            evaluated.setFairness(fairness(spec.getFairness(), data, scores, threshold));
        }
        store.update(jobId, current -> current.toBuilder().mergeFrom(evaluated.build()).build());
        LOG.infof("job=%s evaluated auc=%.4f pr_auc=%.4f log_loss=%.4f", jobId,
                metrics.get("auc"), metrics.get("pr_auc"), metrics.get("log_loss"));
        if (spec.hasFairness()) {
            checkFairnessLimit(spec.getFairness(), evaluated.getFairness());
        }
        return metrics;
    }

    private static List<io.mlmesh.training.v1.SliceMetrics> slices(JobSpec spec,
            PreparedData data, double[] scores) {
        EvaluationSpec evaluation = spec.getEvaluation();
        List<io.mlmesh.training.v1.SliceMetrics> slices = new ArrayList<>();
        for (FeatureTransform slice : SpecMapping.slices(spec)) {
            slices.addAll(Evaluation.slices(slice.name(),
                    MatrixBuilder.groupValues(data.test(), slice), data.testMatrix(), scores,
                    evaluation.getThreshold(), evaluation.getMinSliceRows()));
        }
        return slices;
    }

    private static FairnessReport fairness(FairnessSpec fairness, PreparedData data,
            double[] scores, double threshold) {
        FeatureTransform attribute = SpecMapping.transform(fairness.getAttribute());
        try {
            return Evaluation.fairness(attribute.name(),
                    MatrixBuilder.groupValues(data.test(), attribute), data.testMatrix(), scores,
                    threshold, fairness.getReferenceGroup());
        } catch (IllegalArgumentException e) {
            throw new JobFailedException("fairness of " + attribute.name() + ": "
                    + e.getMessage(), e);
        }
    }

    private static void checkFairnessLimit(FairnessSpec fairness, FairnessReport report) {
        double limit = fairness.getMaxDemographicParityDifference();
        if (limit <= 0 || !(report.getDemographicParityDifference() > limit)) {
            return;
        }
        String rates = report.getGroupsList().stream()
                .map(group -> group.getGroup() + "=" + format(group.getSelectionRate()))
                .collect(Collectors.joining(", "));
        throw new JobFailedException("demographic parity difference "
                + format(report.getDemographicParityDifference()) + " for "
                + report.getAttribute() + " exceeds the limit " + format(limit)
                + " (selection rates: " + rates + "; ratio "
                + format(report.getDemographicParityRatio()) + "); not registered");
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    /** The search's best parameters over {@code baseParams}, its rounds as num_round. */
    private Map<String, String> tune(String jobId, Map<String, String> baseParams,
            PreparedData data, Runnable cancelCheck) throws XGBoostError {
        enter(jobId, JobState.JOB_STATE_TRAINING);
        long startNanos = System.nanoTime();
        TuningResult result = tuner.tune(jobId, baseParams, data.trainMatrix(), cancelCheck);
        if (result.getTrials() == 0) {
            throw new JobFailedException("tuning ran no trial within max_minutes");
        }
        store.update(jobId, current -> current.toBuilder().setTuning(result).build());
        LOG.infof("job=%s tuned trials=%d best_run=%s cv_log_loss=%.5f best_rounds=%d"
                + " stopped_by=%s tune_millis=%d", jobId, result.getTrials(),
                result.getBestRunId(), result.getBestCvLogLoss(), result.getBestRounds(),
                result.getStoppedBy(), (System.nanoTime() - startNanos) / 1_000_000);
        Map<String, String> tuned = new TreeMap<>(baseParams);
        tuned.putAll(result.getBestParamsMap());
        tuned.put(XgboostParams.NUM_ROUND, Integer.toString(result.getBestRounds()));
        return tuned;
    }

    private TrainedModel train(String jobId, ModelFamily family,
            Map<String, String> trainedParams, PreparedData data, Runnable cancelCheck)
            throws XGBoostError {
        enter(jobId, JobState.JOB_STATE_TRAINING);
        long startNanos = System.nanoTime();
        List<MetricPoint> history = new ArrayList<>();
        RoundListener progress = progress(jobId, history, cancelCheck);
        TrainedModel model;
        int steps;
        if (family == ModelFamily.MODEL_FAMILY_MLP) {
            MlpParams params = MlpParams.of(trainedParams);
            model = trainMlp(data, params, progress);
            steps = params.epochs();
        } else {
            XgboostParams params = new XgboostParams(trainedParams);
            model = trainer.train(data.trainMatrix(), data.testMatrix(), params, progress);
            steps = params.numRounds();
        }
        // The history lands with the move to EVALUATING: one event, no repeated last round.
        store.update(jobId, current -> current.toBuilder().addAllMetricHistory(history)
                .setState(JobState.JOB_STATE_EVALUATING).build());
        LOG.infof("job=%s trained family=%s steps=%d train_millis=%d model_bytes=%d", jobId,
                family.name(), steps, (System.nanoTime() - startNanos) / 1_000_000,
                model.modelBytes().length);
        return model;
    }

    private TrainedModel trainMlp(PreparedData data, MlpParams params, RoundListener progress) {
        try {
            return mlpTrainer.train(data.trainMatrix(), data.testMatrix(),
                    MlpInputLayout.of(data.vectorizer()), params, progress);
        } catch (IllegalStateException | EngineException e) {
            throw new JobFailedException("mlp: " + e.getMessage(), e);
        }
    }

    /**
     * Records each round's or epoch's losses as the job's progress and in {@code history},
     * then checks for cancel.
     */
    private RoundListener progress(String jobId, List<MetricPoint> history,
            Runnable cancelCheck) {
        return (round, totalRounds, trainLoss, validationLoss) -> {
            history.addAll(RunRecords.roundLosses(round, trainLoss, validationLoss));
            store.update(jobId, current -> current.toBuilder()
                    .setProgress(Progress.newBuilder()
                            .setStep(round)
                            .setTotalSteps(totalRounds)
                            .setTrainLoss(trainLoss)
                            .setValidationLoss(validationLoss))
                    .build());
            cancelCheck.run();
        };
    }

    private void register(String jobId, VersionMetadata metadata, Map<String, String> tags,
            ModelBundle bundle) throws InterruptedException {
        enter(jobId, JobState.JOB_STATE_REGISTERING);
        byte[] artifact = bundle.toBytes();
        ModelVersion version = registrar.register(VersionRequests.header(metadata, artifact)
                .toBuilder().putAllTags(tags).build(), artifact);
        store.update(jobId, current -> current.toBuilder()
                .setRegisteredModel(version.getModel())
                .setRegisteredVersion(version.getVersion())
                .addArtifacts(RunRecords.bundleArtifact(version, artifact))
                .build());
        LOG.infof("job=%s registered model=%s version=%d artifact_bytes=%d", jobId,
                version.getModel(), version.getVersion(), artifact.length);
    }

    private static void checkUsable(TrainingSet train, TrainingSet test,
            List<FeatureTransform> transforms, LabelRule label) {
        if (train.rowCount() == 0 || test.rowCount() == 0) {
            throw new JobFailedException("the " + (train.rowCount() == 0 ? "train" : "test")
                    + " set has no rows");
        }
        try {
            MatrixBuilder.checkColumns("train", train, transforms, label);
            MatrixBuilder.checkColumns("test", test, transforms, label);
        } catch (IllegalArgumentException e) {
            throw new JobFailedException(e.getMessage(), e);
        }
    }

    /** The transforms fitted on the training rows, a data problem failing the job by name. */
    private static FeatureVectorizer fit(List<FeatureTransform> transforms, TrainingSet train) {
        try {
            return MatrixBuilder.fit(transforms, train);
        } catch (IllegalArgumentException e) {
            throw new JobFailedException("fitting the transforms on the train set: "
                    + e.getMessage(), e);
        }
    }

    private static void checkGroupingColumns(JobSpec spec, TrainingSet test, LabelRule label) {
        List<FeatureTransform> grouping = new ArrayList<>(SpecMapping.slices(spec));
        if (spec.hasFairness()) {
            grouping.add(SpecMapping.transform(spec.getFairness().getAttribute()));
        }
        try {
            MatrixBuilder.checkColumns("test", test, grouping, label);
        } catch (IllegalArgumentException e) {
            throw new JobFailedException(e.getMessage(), e);
        }
    }

    private static DatasetSummary summary(String role, TrainingSet set, FeatureMatrix matrix) {
        return DatasetSummary.newBuilder()
                .setRole(role)
                .setRowCount(set.summary().getRowCount())
                .setContentSha256(set.summary().getContentSha256())
                .setPositiveShare(matrix.positiveShare())
                .build();
    }

    private void enter(String jobId, JobState state) {
        store.update(jobId, current -> current.toBuilder().setState(state).build());
    }

    /**
     * The two data sets, the fitted vectorizer, the matrices it made (the train matrix after
     * down-sampling) and the positive class's weight.
     */
    private record PreparedData(TrainingSet train, TrainingSet test,
            FeatureVectorizer vectorizer, FeatureMatrix trainMatrix, FeatureMatrix testMatrix,
            double positiveWeight) {
    }
}
