package io.mlmesh.training.job;

/** No job has the id asked for. */
public final class JobNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public JobNotFoundException(String jobId) {
        super("job " + jobId + " not found");
    }
}
