package io.mlmesh.monitor.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlmesh.monitor.drift.PeerFailure;
import io.mlmesh.monitor.feedback.FeedbackUnavailableException;
import io.mlmesh.monitor.feedback.OutcomeConflictException;
import io.mlmesh.monitor.feedback.PredictionsNotFoundException;
import io.mlmesh.monitor.served.ServedTrafficNotFoundException;
import io.mlmesh.monitor.store.TraceNotFoundException;
import org.jboss.logging.Logger;

/** The one place where monitor-svc turns failures into gRPC statuses, by cause. */
final class StatusMapping {

    private static final Logger LOG = Logger.getLogger(StatusMapping.class);

    private StatusMapping() {
    }

    /**
     * Maps a failure to the status the caller sees: bad input to INVALID_ARGUMENT, an unknown
     * trace or a model without logged predictions to NOT_FOUND, a conflicting outcome to
     * FAILED_PRECONDITION, feedback off or its Redis down to UNAVAILABLE, a feature store
     * failure to the code it chose (NOT_FOUND for an unknown source or view), anything else (a
     * bug) to INTERNAL, logged with its stack trace.
     *
     * @param method the gRPC method that failed, for the log
     */
    static StatusRuntimeException toStatus(String method, RuntimeException failure) {
        if (failure instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(failure.getMessage())
                    .asRuntimeException();
        }
        if (failure instanceof TraceNotFoundException
                || failure instanceof PredictionsNotFoundException
                || failure instanceof ServedTrafficNotFoundException) {
            return Status.NOT_FOUND.withDescription(failure.getMessage()).asRuntimeException();
        }
        if (failure instanceof OutcomeConflictException) {
            return Status.FAILED_PRECONDITION.withDescription(failure.getMessage())
                    .asRuntimeException();
        }
        if (failure instanceof FeedbackUnavailableException) {
            return Status.UNAVAILABLE.withDescription(failure.getMessage()).asRuntimeException();
        }
        if (failure instanceof PeerFailure peer) {
            LOG.warnf("peer call failed method=%s code=%s: %s", method, peer.code(),
                    peer.getMessage());
            return Status.fromCode(peer.code()).withDescription(peer.getMessage())
                    .asRuntimeException();
        }

        LOG.errorf(failure, "request failed method=%s", method);
        return Status.INTERNAL.withDescription(method + " failed: " + failure)
                .withCause(failure)
                .asRuntimeException();
    }
}
