package io.mlmesh.training.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlmesh.training.job.InvalidJobSpecException;
import io.mlmesh.training.job.JobAlreadyEndedException;
import io.mlmesh.training.job.JobNotFoundException;
import java.io.UncheckedIOException;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * The one place where this service's failures become gRPC statuses, by cause: a wrong request
 * is INVALID_ARGUMENT, an unknown job NOT_FOUND, an operation on an ended job
 * FAILED_PRECONDITION, a job store that cannot write or a runner shutting down UNAVAILABLE.
 * Anything else is a bug: INTERNAL, logged with its stack.
 */
final class ErrorStatus {

    private static final Logger LOG = Logger.getLogger(ErrorStatus.class);

    private ErrorStatus() {
    }

    static StatusRuntimeException of(Throwable failure) {
        return statusOf(failure).asRuntimeException();
    }

    private static Status statusOf(Throwable failure) {
        if (failure instanceof StatusRuntimeException status) {
            return status.getStatus();
        }
        if (failure instanceof InvalidJobSpecException) {
            return Status.INVALID_ARGUMENT.withDescription(failure.getMessage());
        }
        if (failure instanceof JobNotFoundException) {
            return Status.NOT_FOUND.withDescription(failure.getMessage());
        }
        if (failure instanceof JobAlreadyEndedException) {
            return Status.FAILED_PRECONDITION.withDescription(failure.getMessage());
        }
        if (failure instanceof UncheckedIOException) {
            LOG.warnf(failure, "job store unavailable: %s", failure.getMessage());
            return Status.UNAVAILABLE.withDescription(failure.getMessage());
        }
        if (failure instanceof RejectedExecutionException) {
            return Status.UNAVAILABLE.withDescription("training-svc is shutting down");
        }
        LOG.errorf(failure, "unexpected failure: %s", failure);
        return Status.INTERNAL.withDescription("internal error: " + failure);
    }
}
