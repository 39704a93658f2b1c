package io.mlmesh.client;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.inference.v1.PredictResponse;
import io.mlmesh.inference.v1.PredictorGrpc;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ModelInferResponse;
import io.mlmesh.oip.ServerLiveRequest;
import io.mlmesh.oip.ServerMetadataRequest;
import io.mlmesh.oip.ServerMetadataResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Typed, blocking calls to inference-svc: mlmesh's own {@code Predict} and the KServe v2
 * {@code ModelInfer}, each under a deadline of the caller's choice.
 *
 * <p>The deadline covers the whole call, retries included: a call retried after UNAVAILABLE
 * does not get a fresh budget. Calls fail with {@link StatusRuntimeException} carrying the
 * service's status (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, RESOURCE_EXHAUSTED,
 * DEADLINE_EXCEEDED, or UNAVAILABLE once every attempt failed).
 *
 * <p>Thread-safe; it does not own the channel (open one with {@link MlmeshChannels} and share
 * it).
 */
public final class InferenceClient {

    private final PredictorGrpc.PredictorBlockingStub predictor;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub openInference;
    private final Duration defaultDeadline;

    /**
     * @param channel a channel to inference-svc, usually from {@link MlmeshChannels#open}
     * @param defaultDeadline deadline of the calls that name none
     */
    public InferenceClient(Channel channel, Duration defaultDeadline) {
        if (channel == null) {
            throw new IllegalArgumentException("channel is missing");
        }
        this.predictor = PredictorGrpc.newBlockingStub(channel);
        this.openInference = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        this.defaultDeadline = checkedDeadline(defaultDeadline);
    }

    /** Scores one request under the default deadline. */
    public PredictResponse predict(PredictRequest request) {
        return predict(request, defaultDeadline);
    }

    /** Scores one request: raw fields in, online features joined, a score out. */
    public PredictResponse predict(PredictRequest request, Duration deadline) {
        long deadlineNanos = checkedDeadline(deadline).toNanos();

        return predictor.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS).predict(request);
    }

    /** Runs a KServe v2 tensor inference under the default deadline. */
    public ModelInferResponse modelInfer(ModelInferRequest request) {
        return modelInfer(request, defaultDeadline);
    }

    /** Runs a KServe v2 tensor inference. */
    public ModelInferResponse modelInfer(ModelInferRequest request, Duration deadline) {
        long deadlineNanos = checkedDeadline(deadline).toNanos();

        return openInference.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS)
                .modelInfer(request);
    }

    /** Whether the server that answers this call is live. */
    public boolean serverLive(Duration deadline) {
        long deadlineNanos = checkedDeadline(deadline).toNanos();

        return openInference.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS)
                .serverLive(ServerLiveRequest.getDefaultInstance()).getLive();
    }

    /** Name, version and extensions of the server that answers this call. */
    public ServerMetadataResponse serverMetadata(Duration deadline) {
        long deadlineNanos = checkedDeadline(deadline).toNanos();

        return openInference.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS)
                .serverMetadata(ServerMetadataRequest.getDefaultInstance());
    }

    private static Duration checkedDeadline(Duration deadline) {
        if (deadline == null) {
            throw new IllegalArgumentException("deadline is missing");
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, was " + deadline);
        }
        return deadline;
    }
}
