package io.mlmesh.monitor.feedback;

/**
 * An outcome for a request id that already has a different one. Callers see
 * FAILED_PRECONDITION: the first label stands, and a correction needs a human decision.
 */
public final class OutcomeConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    OutcomeConflictException(String requestId, int recordedLabel, int newLabel) {
        super("request_id '" + requestId + "' already has outcome label " + recordedLabel
                + ", refusing label " + newLabel);
    }
}
