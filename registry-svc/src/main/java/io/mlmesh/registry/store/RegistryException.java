package io.mlmesh.registry.store;

/**
 * A request the registry refuses, with the reason that decides its gRPC status and a message
 * that names the field or the missing thing.
 */
public final class RegistryException extends RuntimeException {

  /** Why a request failed; each reason maps to one gRPC status code. */
  public enum Reason {
    INVALID_ARGUMENT,
    NOT_FOUND,
    ALREADY_EXISTS,
    STORE_UNAVAILABLE,
    ARTIFACT_MISSING,
    /** The registry's state forbids the request, for example an alias still points there. */
    PRECONDITION_FAILED,
    /** No token, or a token the registry does not know. */
    UNAUTHENTICATED,
    /** A known token without the role the method needs. */
    PERMISSION_DENIED,
    /** A backup's files do not match its manifest. */
    BACKUP_CORRUPT,
    /** A bounded resource, such as the watcher slots, is used up. */
    EXHAUSTED
  }

  private final Reason reason;

  public RegistryException(Reason reason, String message) {
    this(reason, message, null);
  }

  public RegistryException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public static RegistryException invalid(String message) {
    return new RegistryException(Reason.INVALID_ARGUMENT, message);
  }

  public static RegistryException notFound(String message) {
    return new RegistryException(Reason.NOT_FOUND, message);
  }

  public static RegistryException precondition(String message) {
    return new RegistryException(Reason.PRECONDITION_FAILED, message);
  }

  public Reason reason() {
    return reason;
  }
}
