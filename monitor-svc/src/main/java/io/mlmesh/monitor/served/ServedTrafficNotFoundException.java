package io.mlmesh.monitor.served;

/** No prediction of the model (or version) was consumed since the monitor started. */
public final class ServedTrafficNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ServedTrafficNotFoundException(String message) {
        super(message);
    }
}
