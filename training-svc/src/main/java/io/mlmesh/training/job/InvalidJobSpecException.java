package io.mlmesh.training.job;

/** A request that cannot be accepted; the message names the field and the problem. */
public final class InvalidJobSpecException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidJobSpecException(String field, String problem) {
        super(field + ": " + problem);
    }
}
