package io.mlmesh.featurestore;

/**
 * A failure whose cause the caller can act on. The gRPC layer maps each {@link Reason} to one
 * status code; the message names the field or object and says what is wrong with it.
 */
public final class FeatureStoreException extends RuntimeException {

  /** Why the request failed; one gRPC status code each. */
  public enum Reason {
    INVALID_ARGUMENT,
    NOT_FOUND,
    FAILED_PRECONDITION,
    RESOURCE_EXHAUSTED,
    UNAVAILABLE
  }

  private final Reason reason;

  private FeatureStoreException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public static FeatureStoreException invalidArgument(String message) {
    return new FeatureStoreException(Reason.INVALID_ARGUMENT, message, null);
  }

  public static FeatureStoreException invalidArgument(String message, Throwable cause) {
    return new FeatureStoreException(Reason.INVALID_ARGUMENT, message, cause);
  }

  public static FeatureStoreException notFound(String message) {
    return new FeatureStoreException(Reason.NOT_FOUND, message, null);
  }

  public static FeatureStoreException failedPrecondition(String message) {
    return new FeatureStoreException(Reason.FAILED_PRECONDITION, message, null);
  }

  public static FeatureStoreException resourceExhausted(String message) {
    return new FeatureStoreException(Reason.RESOURCE_EXHAUSTED, message, null);
  }

  public static FeatureStoreException unavailable(String message, Throwable cause) {
    return new FeatureStoreException(Reason.UNAVAILABLE, message, cause);
  }

  public Reason reason() {
    return reason;
  }
}
