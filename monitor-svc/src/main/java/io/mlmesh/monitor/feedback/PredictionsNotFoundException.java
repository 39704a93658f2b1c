package io.mlmesh.monitor.feedback;

/**
 * Live quality asked for a model, or a version of it, with no prediction logged within the
 * retention: a wrong name, or a model that served nothing yet.
 */
public final class PredictionsNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    PredictionsNotFoundException(String message) {
        super(message);
    }
}
