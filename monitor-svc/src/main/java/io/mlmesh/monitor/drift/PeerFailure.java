package io.mlmesh.monitor.drift;

import io.grpc.Status;

/**
 * A peer (the feature store) refused or failed a call; {@link #code()} is the status the
 * caller of monitor-svc gets, the message names the set and the peer's own description.
 */
public final class PeerFailure extends RuntimeException {

    private final Status.Code code;

    PeerFailure(Status.Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Status.Code code() {
        return code;
    }
}
