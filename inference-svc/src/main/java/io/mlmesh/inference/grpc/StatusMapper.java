package io.mlmesh.inference.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.mlmesh.inference.InferenceException;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The one place where failures become gRPC statuses: each {@link InferenceException.Reason}
 * has its code, and anything else is a bug, answered INTERNAL and logged at ERROR.
 */
final class StatusMapper {

    private static final Logger LOG = Logger.getLogger(StatusMapper.class);

    private StatusMapper() {
    }

    /** Answers {@code observer} with the result of {@code work}, or with its failure's status. */
    static <T> void respond(StreamObserver<T> observer, Supplier<T> work) {
        T result;
        try {
            result = work.get();
        } catch (RuntimeException e) {
            observer.onError(toStatus(e));
            return;
        }
        observer.onNext(result);
        observer.onCompleted();
    }

    /**
     * Answers {@code observer} once queued scores arrive. {@code submit} validates and queues on
     * the calling thread, and its failures answer at once; the answer is built on the thread that
     * completes the scores (see {@code QueuedRequest}). When the client cancels the call, its
     * request leaves the queue and nothing is sent.
     */
    static <T> void respondLater(StreamObserver<T> observer, Supplier<Scoring<T>> submit) {
        Scoring<T> scoring;
        try {
            scoring = submit.get();
        } catch (RuntimeException e) {
            observer.onError(toStatus(e));
            return;
        }
        if (observer instanceof ServerCallStreamObserver<T> call) {
            call.setOnCancelHandler(scoring.queued()::cancel);
        }

        scoring.queued().scores().whenComplete((scores, failure) -> {
            if (observer instanceof ServerCallStreamObserver<T> call && call.isCancelled()) {
                return;
            }
            respond(observer, () -> {
                if (failure != null) {
                    throw unwrap(failure);
                }
                return scoring.answer().apply(scores);
            });
        });
    }

    static StatusRuntimeException toStatus(RuntimeException failure) {
        if (!(failure instanceof InferenceException refused)) {
            LOG.errorf(failure, "request failed unexpectedly error=%s",
                    failure.getClass().getName());
            return Status.INTERNAL.withDescription("internal error: " + failure)
                    .withCause(failure).asRuntimeException();
        }
        if (refused.reason() == InferenceException.Reason.ENGINE_FAILED) {
            LOG.errorf(refused, "engine failed on validated input");
        }
        return codeOf(refused.reason()).withDescription(refused.getMessage())
                .withCause(refused).asRuntimeException();
    }

    /** The failure a completion carried, without its CompletionException wrapper. */
    static RuntimeException unwrap(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        return cause instanceof RuntimeException runtime
                ? runtime
                : new IllegalStateException("scoring failed", cause);
    }

    private static Status codeOf(InferenceException.Reason reason) {
        return switch (reason) {
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
            case CANCELLED -> Status.CANCELLED;
            case ENGINE_FAILED -> Status.INTERNAL;
        };
    }
}
