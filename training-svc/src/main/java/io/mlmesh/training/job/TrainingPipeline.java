package io.mlmesh.training.job;

import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.training.data.FeatureMatrix;
import io.mlmesh.training.data.LabelRule;
import io.mlmesh.training.data.MatrixBuilder;
import io.mlmesh.training.data.TrainingSet;
import io.mlmesh.training.data.TrainingSetReader;
import io.mlmesh.training.registry.ModelRegistrar;
import io.mlmesh.training.registry.VersionMetadata;
import io.mlmesh.training.registry.VersionRequests;
import io.mlmesh.training.v1.DatasetSummary;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.JobState;
import io.mlmesh.training.v1.Progress;
import io.mlmesh.training.xgboost.TrainedModel;
import io.mlmesh.training.xgboost.XgboostParams;
import io.mlmesh.training.xgboost.XgboostTrainer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.jboss.logging.Logger;

/**
 * The steps of one XGBoost job, from data to a registered version: LOADING_DATA, TRAINING,
 * EVALUATING and, when asked, REGISTERING. Each step records its state, and what it learned,
 * in the job store; the runner owns the job's start and end.
 *
 * <p>Runs on the job runner's single thread. The cancel check is called between steps and after
 * every boosting round.
 */
@ApplicationScoped
public class TrainingPipeline {

    private static final Logger LOG = Logger.getLogger(TrainingPipeline.class);

    private final JobStore store;
    private final TrainingSetReader reader;
    private final XgboostTrainer trainer = new XgboostTrainer();
    private final ModelRegistrar registrar;

    @Inject
    public TrainingPipeline(JobStore store, TrainingSetReader reader, ModelRegistrar registrar) {
        this.store = store;
        this.reader = reader;
        this.registrar = registrar;
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
        Map<String, Double> metrics = evaluate(job.getId(), data, model);
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
        FeatureVectorizer vectorizer = MatrixBuilder.fit(transforms, train);
        PreparedData data = new PreparedData(train, test, vectorizer,
                MatrixBuilder.build(train, vectorizer, label),
                MatrixBuilder.build(test, vectorizer, label));
        LOG.infof("job=%s data loaded train_rows=%d test_rows=%d width=%d load_millis=%d",
                jobId, data.trainMatrix().rows(), data.testMatrix().rows(), vectorizer.width(),
                (System.nanoTime() - startNanos) / 1_000_000);
        return data;
    }

    private Map<String, Double> evaluate(String jobId, PreparedData data, TrainedModel model) {
        enter(jobId, JobState.JOB_STATE_EVALUATING);
        Map<String, Double> metrics = Evaluation.metrics(data.trainMatrix(), data.testMatrix(),
                model.testScores());
        store.update(jobId, current -> current.toBuilder()
                .putAllMetrics(metrics)
                .addDatasets(summary("train", data.train(), data.trainMatrix()))
                .addDatasets(summary("test", data.test(), data.testMatrix()))
                .build());
        LOG.infof("job=%s evaluated auc=%.4f log_loss=%.4f", jobId, metrics.get("auc"),
                metrics.get("log_loss"));
        return metrics;
    }

    private TrainedModel train(String jobId, JobSpec spec, PreparedData data,
            Runnable cancelCheck) throws XGBoostError {
        enter(jobId, JobState.JOB_STATE_TRAINING);
        long startNanos = System.nanoTime();
        XgboostParams params = new XgboostParams(spec.getParamsMap());
        TrainedModel model = trainer.train(data.trainMatrix(), data.testMatrix(), params,
                (round, totalRounds, trainLoss, validationLoss) -> {
                    store.update(jobId, current -> current.toBuilder()
                            .setProgress(Progress.newBuilder()
                                    .setStep(round)
                                    .setTotalSteps(totalRounds)
                                    .setTrainLoss(trainLoss)
                                    .setValidationLoss(validationLoss))
                            .build());
                    cancelCheck.run();
                });
        LOG.infof("job=%s trained rounds=%d train_millis=%d model_bytes=%d", jobId,
                params.numRounds(), (System.nanoTime() - startNanos) / 1_000_000,
                model.modelBytes().length);
        return model;
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
