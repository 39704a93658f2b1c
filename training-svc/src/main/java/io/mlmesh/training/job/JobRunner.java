package io.mlmesh.training.job;

import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.JobState;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Accepts jobs and runs them one at a time on a background thread.
 *
 * <p>Design: one thread, because a job already spreads over the cores XGBoost's
 * {@code nthread} gives it and a second job would only slow both down; queued jobs wait in the
 * executor's queue in submit order. A cancel of a queued job ends it at once; a cancel of a
 * running job sets a flag that the pipeline reads between steps and after every boosting round,
 * so the job ends CANCELLED at the next round. Start and end of a job are written here, in one
 * place: any failure of a step ends the job FAILED with the step's message.
 *
 * <p>Thread-safe: gRPC threads submit and cancel, the runner's thread runs.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    private static final long SHUTDOWN_WAIT_SECONDS = 10;

    private final JobStore store;
    private final TrainingPipeline pipeline;
    private final String codeVersion;
    private final Set<String> cancelRequested = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "training-job-runner");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param codeVersion the build's version, recorded with every run
     */
    @Inject
    public JobRunner(JobStore store, TrainingPipeline pipeline,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
            String codeVersion) {
        this.store = store;
        this.pipeline = pipeline;
        this.codeVersion = codeVersion;
    }

    /**
     * Validates a spec, stores a QUEUED job for it and queues the job. The job is a tracked
     * run: it records the spec's tags and parent and this build's version.
     *
     * @throws InvalidJobSpecException naming the field when the spec is wrong or its parent
     *     run does not exist
     */
    public Job submit(JobSpec spec) {
        JobSpec accepted = JobSpecValidator.validate(spec);
        checkParentExists(accepted.getParentRunId());

        Job job = store.add(Job.newBuilder()
                .setId("run-" + UUID.randomUUID())
                .setSpec(accepted)
                .setState(JobState.JOB_STATE_QUEUED)
                .setCreatedAt(store.now())
                .putAllTags(accepted.getTagsMap())
                .setParentRunId(accepted.getParentRunId())
                .setCodeVersion(codeVersion)
                .build());
        executor.execute(() -> run(job.getId()));
        LOG.infof("job=%s queued model=%s family=%s", job.getId(), accepted.getModelName(),
                accepted.getFamily().name());
        return job;
    }

    /**
     * Cancels a job: a queued one ends CANCELLED now, a running one at its next round.
     *
     * @return the job as it is right after the request
     * @throws JobNotFoundException when no job has this id
     * @throws JobAlreadyEndedException when the job has ended already
     */
    public Job cancel(String jobId) {
        Job current = store.get(jobId);
        if (JobStore.isFinished(current.getState())) {
            throw new JobAlreadyEndedException(jobId, current.getState());
        }

        cancelRequested.add(jobId);
        Job after = store.update(jobId, job -> job.getState() == JobState.JOB_STATE_QUEUED
                ? job.toBuilder().setState(JobState.JOB_STATE_CANCELLED).build()
                : job);
        LOG.infof("job=%s cancel requested state=%s", jobId, after.getState().name());
        return after;
    }

    private void checkParentExists(String parentRunId) {
        if (parentRunId.isEmpty()) {
            return;
        }
        try {
            store.get(parentRunId);
        } catch (JobNotFoundException e) {
            throw new InvalidJobSpecException("spec.parent_run_id", "no run '" + parentRunId
                    + "'");
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        executor.shutdownNow();
        if (!executor.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
            LOG.warnf("job runner still busy after %d s at shutdown", SHUTDOWN_WAIT_SECONDS);
        }
    }

    private void run(String jobId) {
        Job job = store.get(jobId);
        if (job.getState() != JobState.JOB_STATE_QUEUED) {
            cancelRequested.remove(jobId);
            return;
        }

        try {
            pipeline.run(job, () -> checkCancelled(jobId));
            finish(jobId, JobState.JOB_STATE_SUCCEEDED, "");
            LOG.infof("job=%s succeeded", jobId);
        } catch (JobCancelledException e) {
            finish(jobId, JobState.JOB_STATE_CANCELLED, "");
            LOG.infof("job=%s cancelled", jobId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(jobId, JobState.JOB_STATE_FAILED, "interrupted by a shutdown");
            LOG.warnf("job=%s interrupted by a shutdown", jobId);
        } catch (JobFailedException e) {
            finish(jobId, JobState.JOB_STATE_FAILED, e.getMessage());
            LOG.errorf("job=%s failed: %s", jobId, e.getMessage());
        } catch (RuntimeException | XGBoostError e) {
            finish(jobId, JobState.JOB_STATE_FAILED, errorOf(e));
            LOG.errorf(e, "job=%s failed: %s", jobId, errorOf(e));
        } finally {
            cancelRequested.remove(jobId);
        }
    }

    private void checkCancelled(String jobId) {
        if (cancelRequested.contains(jobId)) {
            throw new JobCancelledException(jobId);
        }
    }

    private void finish(String jobId, JobState state, String error) {
        store.update(jobId, job -> job.toBuilder().setState(state).setError(error).build());
    }

    private static String errorOf(Throwable failure) {
        if (failure instanceof XGBoostError) {
            return "xgboost: " + failure.getMessage();
        }
        if (failure instanceof IllegalArgumentException) {
            return failure.getMessage();
        }
        return "internal error: " + failure;
    }
}
