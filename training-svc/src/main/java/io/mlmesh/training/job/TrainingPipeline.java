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
import io.mlmesh.training.mlp.MlpParams;
import io.mlmesh.training.mlp.MlpTrainer;
import io.mlmesh.training.registry.ModelRegistrar;
import io.mlmesh.training.registry.VersionMetadata;
import io.mlmesh.training.registry.VersionRequests;
import io.mlmesh.training.v1.DatasetSummary;
import io.mlmesh.training.v1.EvaluationSpec;
import io.mlmesh.training.v1.FairnessReport;
import io.mlmesh.training.v1.FairnessSpec;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.JobState;
import io.mlmesh.training.v1.ModelFamily;
import io.mlmesh.training.v1.Progress;
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
import java.util.stream.Collectors;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.jboss.logging.Logger;

/**
 * The steps of one job (XGBoost trees or logistic regression, or the DJL MLP), from data to a
 * registered version: LOADING_DATA, TRAINING, EVALUATING and, when asked, REGISTERING. Each
 * step records its state, and what it learned, in the job store; the runner owns the job's
 * start and end. Evaluation records the test metrics, confusion matrix, calibration deciles,
 * slices, SHAP importance (trees and linear models) and, when the spec names a sensitive
 * attribute, group fairness; a fairness limit the model breaks fails the job after
 * evaluation, before registration.
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

    @Inject
    public TrainingPipeline(JobStore store, TrainingSetReader reader, ModelRegistrar registrar,
            MlpTrainer mlpTrainer) {
        this.store = store;
        this.reader = reader;
        this.registrar = registrar;
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
        TrainedModel model = train(job.getId(), spec, data, cancelCheck);
        Map<String, Double> metrics = evaluate(job.getId(), spec, data, model);
        cancelCheck.run();
        if (spec.getRegister()) {
            register(job.getId(), new VersionMetadata(spec.getModelName(), job.getId(),
                    spec.getDescription(), spec.getParamsMap(), metrics, data.train(),
                    data.test()),
                    VersionRequests.bundle(data.vectorizer(), spec.getTrain(), data.train(),
                            label, spec.getParamsMap(), model.modelBytes()));
        }
    }

    private PreparedData prepare(String jobId, JobSpec spec, LabelRule label,
            Runnable cancelCheck) {
        enter(jobId, JobState.JOB_STATE_LOADING_DATA);
        long startNanos = System.nanoTime();
        List<FeatureTransform> transforms = SpecMapping.transforms(spec);
        TrainingSet train = reader.read("train", spec.getTrain());
        cancelCheck.run();
        TrainingSet test = reader.read("test", spec.getTest());
        checkUsable(train, test, transforms, label);
        checkGroupingColumns(spec, test, label);
        FeatureVectorizer vectorizer = fit(transforms, train);
        PreparedData data = new PreparedData(train, test, vectorizer,
                MatrixBuilder.build(train, vectorizer, label),
                MatrixBuilder.build(test, vectorizer, label));
        LOG.infof("job=%s data loaded train_rows=%d test_rows=%d width=%d load_millis=%d",
                jobId, data.trainMatrix().rows(), data.testMatrix().rows(), vectorizer.width(),
                (System.nanoTime() - startNanos) / 1_000_000);
        return data;
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

    private TrainedModel train(String jobId, JobSpec spec, PreparedData data,
            Runnable cancelCheck) throws XGBoostError {
        enter(jobId, JobState.JOB_STATE_TRAINING);
        long startNanos = System.nanoTime();
        RoundListener progress = progress(jobId, cancelCheck);
        TrainedModel model;
        int steps;
        if (spec.getFamily() == ModelFamily.MODEL_FAMILY_MLP) {
            MlpParams params = MlpParams.of(spec.getParamsMap());
            model = trainMlp(data, params, progress);
            steps = params.epochs();
        } else {
            XgboostParams params = new XgboostParams(spec.getParamsMap());
            model = trainer.train(data.trainMatrix(), data.testMatrix(), params, progress);
            steps = params.numRounds();
        }
        LOG.infof("job=%s trained family=%s steps=%d train_millis=%d model_bytes=%d", jobId,
                spec.getFamily().name(), steps, (System.nanoTime() - startNanos) / 1_000_000,
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

    /** Records each round's or epoch's losses as the job's progress, then checks for cancel. */
    private RoundListener progress(String jobId, Runnable cancelCheck) {
        return (round, totalRounds, trainLoss, validationLoss) -> {
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

    private void register(String jobId, VersionMetadata metadata,
            ModelBundle bundle) throws InterruptedException {
        enter(jobId, JobState.JOB_STATE_REGISTERING);
        byte[] artifact = bundle.toBytes();
        ModelVersion version = registrar.register(
                VersionRequests.header(metadata, artifact), artifact);
        store.update(jobId, current -> current.toBuilder()
                .setRegisteredModel(version.getModel())
                .setRegisteredVersion(version.getVersion())
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

    /** The two data sets, the fitted vectorizer and the matrices it made. */
    private record PreparedData(TrainingSet train, TrainingSet test,
            FeatureVectorizer vectorizer, FeatureMatrix trainMatrix, FeatureMatrix testMatrix) {
    }
}
