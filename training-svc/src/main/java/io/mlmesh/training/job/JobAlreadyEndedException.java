package io.mlmesh.training.job;

import io.mlmesh.training.v1.JobState;

/** An operation that needs a job still queued or running met one that has ended. */
public final class JobAlreadyEndedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public JobAlreadyEndedException(String jobId, JobState state) {
        super("job " + jobId + " already ended " + state.name());
    }
}
