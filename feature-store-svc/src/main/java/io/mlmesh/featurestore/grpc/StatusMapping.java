package io.mlmesh.featurestore.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlmesh.featurestore.FeatureStoreException;
import org.jboss.logging.Logger;

/**
 * The one place where failures become gRPC statuses: a {@link FeatureStoreException} by its
 * reason, with its message as the description; anything else is a bug, logged with its cause
 * and reported as INTERNAL without internals.
 */
final class StatusMapping {

  private static final Logger LOG = Logger.getLogger(StatusMapping.class);

  private StatusMapping() {
  }

  static StatusRuntimeException toStatus(String rpc, RuntimeException failure) {
    if (failure instanceof FeatureStoreException known) {
      return statusOf(known).withDescription(known.getMessage()).asRuntimeException();
    }
    LOG.errorf(failure, "rpc failed rpc=%s", rpc);
    return Status.INTERNAL.withDescription(rpc + " failed: " + failure.getClass().getSimpleName())
        .asRuntimeException();
  }

  private static Status statusOf(FeatureStoreException failure) {
    return switch (failure.reason()) {
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
      case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
      case UNAVAILABLE -> Status.UNAVAILABLE;
    };
  }
}
