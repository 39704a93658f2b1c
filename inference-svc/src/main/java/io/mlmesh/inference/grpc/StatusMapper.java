package io.mlmesh.inference.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.mlmesh.inference.InferenceException;
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

    private static Status codeOf(InferenceException.Reason reason) {
        return switch (reason) {
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
            case ENGINE_FAILED -> Status.INTERNAL;
        };
    }
}
