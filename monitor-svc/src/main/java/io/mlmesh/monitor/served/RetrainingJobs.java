package io.mlmesh.monitor.served;

import com.google.protobuf.Timestamp;
import io.grpc.Channel;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.training.v1.GetJobRequest;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.SubmitJobRequest;
import io.mlmesh.training.v1.TrainingGrpc;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Submits a retraining job to training-svc (gRPC client {@code training}). The new job is the
 * job that trained the served version (its run id in the registry's lineage, read back with
 * {@code GetJob}) moved to the newest labelled data: both its train and test ranges slide
 * forward by the same amount, so that the test range ends {@code label-delay} before the
 * newest served prediction; unset bounds stay unset. The job registers its model; promotion
 * stays with the pipeline's quality gate (no alias is moved here).
 */
@ApplicationScoped
public class RetrainingJobs {

    private final TrainingGrpc.TrainingBlockingStub training;
    private final RetrainingConfig config;

    public RetrainingJobs(@GrpcClient("training") Channel channel, RetrainingConfig config) {
        this.training = TrainingGrpc.newBlockingStub(channel);
        this.config = config;
    }

    /**
     * Submits the job and returns its id.
     *
     * @param runId the job that trained the served version
     * @param newestPrediction serving time of the newest prediction that triggered it
     * @throws io.grpc.StatusRuntimeException when training-svc refuses or fails
     * @throws IllegalStateException when the version has no run id
     */
    public String submit(String runId, Instant newestPrediction, String reason) {
        if (runId.isEmpty()) {
            throw new IllegalStateException("the version's lineage has no training run id");
        }
        Job original = stub().getJob(GetJobRequest.newBuilder().setId(runId).build());
        JobSpec spec = nextSpec(original.getSpec(), newestPrediction.minus(config.labelDelay()),
                reason);
        return stub().submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()).getId();
    }

    /** The original spec slid forward so that its test range ends at {@code newestLabelled}. */
    static JobSpec nextSpec(JobSpec original, Instant newestLabelled, String reason) {
        Duration shift = Duration.ZERO;
        if (original.getTest().hasEnd()) {
            Duration gap = Duration.between(instantOf(original.getTest().getEnd()),
                    newestLabelled);
            shift = gap.isNegative() ? Duration.ZERO : gap;
        }
        return original.toBuilder()
                .setTrain(shifted(original.getTrain(), shift))
                .setTest(shifted(original.getTest(), shift))
                .setRegister(true)
                .setDescription("retraining by monitor-svc: " + reason)
                .build();
    }

    private static GetTrainingSetRequest shifted(GetTrainingSetRequest set, Duration shift) {
        GetTrainingSetRequest.Builder builder = set.toBuilder();
        if (set.hasStart()) {
            builder.setStart(timestampOf(instantOf(set.getStart()).plus(shift)));
        }
        if (set.hasEnd()) {
            builder.setEnd(timestampOf(instantOf(set.getEnd()).plus(shift)));
        }
        return builder.build();
    }

    private static Instant instantOf(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    private static Timestamp timestampOf(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano()).build();
    }

    private TrainingGrpc.TrainingBlockingStub stub() {
        return training.withDeadlineAfter(config.callTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
    }
}
