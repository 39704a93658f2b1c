package io.mlmesh.training.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.mlmesh.training.job.InvalidJobSpecException;
import io.mlmesh.training.job.JobRunner;
import io.mlmesh.training.job.JobStore;
import io.mlmesh.training.job.JobWatcher;
import io.mlmesh.training.job.RunDiffs;
import io.mlmesh.training.v1.DiffRunsRequest;
import io.mlmesh.training.v1.GetJobRequest;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobEvent;
import io.mlmesh.training.v1.ListJobsRequest;
import io.mlmesh.training.v1.ListJobsResponse;
import io.mlmesh.training.v1.RunDiff;
import io.mlmesh.training.v1.SubmitJobRequest;
import io.mlmesh.training.v1.TrainingGrpc;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.function.Supplier;

/**
 * The {@code mlmesh.training.v1.Training} contract over the job runner and the job store.
 * Calls run on worker threads ({@link Blocking}): submitting writes a file. A watch answers
 * from the store's notifications, which arrive on the job runner's thread.
 */
@GrpcService
@Blocking
public class TrainingGrpcService extends TrainingGrpc.TrainingImplBase {

    private final JobRunner runner;
    private final JobStore store;

    @Inject
    public TrainingGrpcService(JobRunner runner, JobStore store) {
        this.runner = runner;
        this.store = store;
    }

    @Override
    public void submitJob(SubmitJobRequest request, StreamObserver<Job> response) {
        answer(response, () -> {
            if (!request.hasSpec()) {
                throw new InvalidJobSpecException("spec", "is missing");
            }
            return runner.submit(request.getSpec());
        });
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<Job> response) {
        answer(response, () -> store.get(checkedId(request)));
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
        answer(response, () -> ListJobsResponse.newBuilder()
                .addAllJobs(store.list().stream().filter(job -> matches(request, job)).toList())
                .build());
    }

    @Override
    public void diffRuns(DiffRunsRequest request, StreamObserver<RunDiff> response) {
        answer(response, () -> RunDiffs.diff(
                store.get(checkedRunId("run_a", request.getRunA())),
                store.get(checkedRunId("run_b", request.getRunB()))));
    }

    /** Whether a job is under the asked parent and holds every asked tag. */
    private static boolean matches(ListJobsRequest request, Job job) {
        if (!request.getParentRunId().isEmpty()
                && !request.getParentRunId().equals(job.getParentRunId())) {
            return false;
        }
        return request.getTagsMap().entrySet().stream()
                .allMatch(tag -> tag.getValue().equals(job.getTagsMap().get(tag.getKey())));
    }

    private static String checkedRunId(String field, String runId) {
        if (runId.isBlank()) {
            throw new InvalidJobSpecException(field, "is empty");
        }
        return runId;
    }

    @Override
    public void cancelJob(GetJobRequest request, StreamObserver<Job> response) {
        answer(response, () -> runner.cancel(checkedId(request)));
    }

    @Override
    public void watchJob(GetJobRequest request, StreamObserver<JobEvent> response) {
        ServerCallStreamObserver<JobEvent> call = (ServerCallStreamObserver<JobEvent>) response;
        try {
            String jobId = checkedId(request);
            JobWatcher watcher = job -> sendEvent(call, job);
            call.setOnCancelHandler(() -> store.unwatch(jobId, watcher));
            store.watch(jobId, watcher);
        } catch (RuntimeException e) {
            call.onError(ErrorStatus.of(e));
        }
    }

    private static void sendEvent(ServerCallStreamObserver<JobEvent> call, Job job) {
        if (call.isCancelled()) {
            return;
        }
        call.onNext(JobEvent.newBuilder().setJob(job).build());
        if (JobStore.isFinished(job.getState())) {
            call.onCompleted();
        }
    }

    private static String checkedId(GetJobRequest request) {
        if (request.getId().isBlank()) {
            throw new InvalidJobSpecException("id", "is empty");
        }
        return request.getId();
    }

    private static <T> void answer(StreamObserver<T> response, Supplier<T> work) {
        T result;
        try {
            result = work.get();
        } catch (RuntimeException e) {
            response.onError(ErrorStatus.of(e));
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
