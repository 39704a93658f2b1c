package io.mlmesh.monitor.feedback;

/** The feedback loop cannot answer: it is off, or Redis failed. Callers see UNAVAILABLE. */
public final class FeedbackUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FeedbackUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
