package io.mlmesh.training.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.mlmesh.training.v1.DataPreparation;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.JobState;
import io.mlmesh.training.v1.MetricPoint;
import io.mlmesh.training.v1.Progress;
import io.mlmesh.training.v1.TuningResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobStoreTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"),
            ZoneOffset.UTC);

    @TempDir
    Path dataDir;

    @Test
    void open_jobLeftRunning_becomesFailedInterruptedAndIsSaved() {
        JobStore before = new JobStore(dataDir, CLOCK);
        before.add(job("run-a", JobState.JOB_STATE_QUEUED));
        before.update("run-a", job -> job.toBuilder().setState(JobState.JOB_STATE_TRAINING)
                .build());

        Job reloaded = new JobStore(dataDir, CLOCK).get("run-a");

        assertEquals(JobState.JOB_STATE_FAILED, reloaded.getState());
        assertEquals(JobStore.INTERRUPTED_ERROR, reloaded.getError());
        assertEquals(CLOCK.instant().getEpochSecond(), reloaded.getFinishedAt().getSeconds());
        assertEquals(JobState.JOB_STATE_FAILED,
                new JobStore(dataDir, CLOCK).get("run-a").getState());
    }

    @Test
    void open_finishedJobs_reloadUnchangedInCreationOrder() {
        JobStore before = new JobStore(dataDir, CLOCK);
        Job second = before.add(job("run-b", JobState.JOB_STATE_SUCCEEDED).toBuilder()
                .setCreatedAt(Timestamp.newBuilder().setSeconds(20))
                .putMetrics("auc", 0.7)
                .build());
        Job first = before.add(job("run-c", JobState.JOB_STATE_CANCELLED).toBuilder()
                .setCreatedAt(Timestamp.newBuilder().setSeconds(10))
                .build());

        List<Job> reloaded = new JobStore(dataDir, CLOCK).list();

        assertEquals(List.of(first, second), reloaded);
    }

    @Test
    void open_trackedRunWithChild_reloadsHistoryTagsTuningAndParent() {
        JobStore before = new JobStore(dataDir, CLOCK);
        Job parent = before.add(job("run-p", JobState.JOB_STATE_SUCCEEDED).toBuilder()
                .addMetricHistory(MetricPoint.newBuilder().setName("train_loss").setStep(1)
                        .setValue(0.61))
                .putTags("team", "ops")
                .setCodeVersion("0.1.0-SNAPSHOT")
                .setTuning(TuningResult.newBuilder().setBestRunId("run-t").setTrials(1)
                        .putBestParams("eta", "0.3"))
                .setPreparation(DataPreparation.newBuilder().setMissingValue("NaN")
                        .setPositiveWeight(3.9))
                .build());
        Job child = before.add(job("run-t", JobState.JOB_STATE_SUCCEEDED).toBuilder()
                .setParentRunId("run-p")
                .putMetrics("cv_log_loss", 0.5)
                .build());

        JobStore after = new JobStore(dataDir, CLOCK);

        assertEquals(parent, after.get("run-p"));
        assertEquals(child, after.get("run-t"));
    }

    @Test
    void watch_runningJob_getsSnapshotThenEveryChangeUntilItEnds() {
        JobStore store = new JobStore(dataDir, CLOCK);
        store.add(job("run-d", JobState.JOB_STATE_QUEUED));
        List<Job> seen = new ArrayList<>();
        store.watch("run-d", seen::add);

        store.update("run-d", job -> job.toBuilder().setState(JobState.JOB_STATE_TRAINING)
                .build());
        store.update("run-d", job -> job.toBuilder().setProgress(Progress.newBuilder()
                .setStep(1)).build());
        store.update("run-d", job -> job.toBuilder().setState(JobState.JOB_STATE_SUCCEEDED)
                .build());
        store.update("run-d", job -> job.toBuilder().setError("after the end").build());

        assertEquals(List.of(JobState.JOB_STATE_QUEUED, JobState.JOB_STATE_TRAINING,
                JobState.JOB_STATE_TRAINING, JobState.JOB_STATE_SUCCEEDED),
                seen.stream().map(Job::getState).toList());
        assertEquals(1, seen.get(2).getProgress().getStep());
        assertTrue(seen.get(3).hasFinishedAt());
    }

    @Test
    void get_unknownId_throwsNotFoundNamingTheId() {
        JobStore store = new JobStore(dataDir, CLOCK);

        JobNotFoundException error = assertThrows(JobNotFoundException.class,
                () -> store.get("run-missing"));

        assertEquals("job run-missing not found", error.getMessage());
    }

    private static Job job(String id, JobState state) {
        return Job.newBuilder()
                .setId(id)
                .setState(state)
                .setSpec(JobSpec.newBuilder().setModelName("flights"))
                .setCreatedAt(Timestamp.newBuilder().setSeconds(1))
                .build();
    }
}
