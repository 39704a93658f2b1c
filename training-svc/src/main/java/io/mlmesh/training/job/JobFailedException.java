package io.mlmesh.training.job;

/**
 * A job step failed for a reason outside this service's code (a peer's answer, bad data, the
 * engine); the message is what the job records as its error.
 */
public final class JobFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public JobFailedException(String message) {
        super(message);
    }

    public JobFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
