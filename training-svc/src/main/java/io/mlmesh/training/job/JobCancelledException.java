package io.mlmesh.training.job;

/** Thrown inside a running job when a cancel was asked for; the job ends CANCELLED. */
public final class JobCancelledException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public JobCancelledException(String jobId) {
        super("job " + jobId + " was cancelled");
    }
}
