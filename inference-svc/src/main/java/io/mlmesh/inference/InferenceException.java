package io.mlmesh.inference;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * A request inference-svc refuses or cannot complete, with the reason that decides its gRPC
 * status and a message that names the field, model or peer concerned.
 *
 * <p>Failures of the peers (registry, feature store) are translated here, by their status code,
 * so that the gRPC adapters map every failure through one table.
 */
public final class InferenceException extends RuntimeException {

    /** Why a request failed; each reason maps to one gRPC status code. */
    public enum Reason {
        INVALID_ARGUMENT,
        NOT_FOUND,
        FAILED_PRECONDITION,
        /** A limit was reached (queue full, message too large); the message names it. */
        RESOURCE_EXHAUSTED,
        UNAVAILABLE,
        DEADLINE_EXCEEDED,
        /** The caller cancelled the call; nobody reads the answer. */
        CANCELLED,
        /** The engine failed on input that passed validation: a bug, not the caller's fault. */
        ENGINE_FAILED
    }

    private final Reason reason;

    public InferenceException(Reason reason, String message) {
        this(reason, message, null);
    }

    public InferenceException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public static InferenceException invalid(String message) {
        return new InferenceException(Reason.INVALID_ARGUMENT, message);
    }

    public static InferenceException notFound(String message) {
        return new InferenceException(Reason.NOT_FOUND, message);
    }

    public static InferenceException failedPrecondition(String message) {
        return new InferenceException(Reason.FAILED_PRECONDITION, message);
    }

    public static InferenceException resourceExhausted(String message) {
        return new InferenceException(Reason.RESOURCE_EXHAUSTED, message);
    }

    public static InferenceException deadlineExceeded(String message) {
        return new InferenceException(Reason.DEADLINE_EXCEEDED, message);
    }

    /**
     * A registry failure. NOT_FOUND and INVALID_ARGUMENT keep their code: the caller named the
     * model or version.
     */
    public static InferenceException fromRegistry(StatusRuntimeException failure) {
        Status status = failure.getStatus();
        String detail = "registry: " + status.getDescription();
        return switch (status.getCode()) {
            case NOT_FOUND -> new InferenceException(Reason.NOT_FOUND, detail, failure);
            case INVALID_ARGUMENT ->
                    new InferenceException(Reason.INVALID_ARGUMENT, detail, failure);
            default -> fromPeer("registry", failure);
        };
    }

    /**
     * A feature store failure. A view or version it does not know is FAILED_PRECONDITION: the
     * model's bundle names it, the caller cannot fix it.
     */
    public static InferenceException fromFeatureStore(StatusRuntimeException failure) {
        Status status = failure.getStatus();
        return switch (status.getCode()) {
            case NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION -> new InferenceException(
                    Reason.FAILED_PRECONDITION,
                    "feature store refused the model's lookups: " + status.getDescription(),
                    failure);
            default -> fromPeer("feature store", failure);
        };
    }

    private static InferenceException fromPeer(String peer, StatusRuntimeException failure) {
        Status status = failure.getStatus();
        return switch (status.getCode()) {
            case DEADLINE_EXCEEDED, CANCELLED -> new InferenceException(Reason.DEADLINE_EXCEEDED,
                    peer + " did not answer within the deadline", failure);
            default -> new InferenceException(Reason.UNAVAILABLE,
                    peer + " unavailable: " + status.getCode() + " " + status.getDescription(),
                    failure);
        };
    }

    public Reason reason() {
        return reason;
    }
}
