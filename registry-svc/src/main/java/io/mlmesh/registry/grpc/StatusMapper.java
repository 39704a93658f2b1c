package io.mlmesh.registry.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlmesh.registry.store.RegistryException;
import java.io.UncheckedIOException;
import org.jboss.logging.Logger;

/** The one place where the registry's failures become gRPC statuses, by cause. */
final class StatusMapper {

  private static final Logger LOG = Logger.getLogger(StatusMapper.class);

  private StatusMapper() {}

  static StatusRuntimeException toStatus(Throwable failure) {
    if (failure instanceof StatusRuntimeException status) {
      return status;
    }
    if (failure instanceof RegistryException refused) {
      Status status = statusOf(refused.reason());
      Status.Code code = status.getCode();
      if (code == Status.Code.UNAVAILABLE || code == Status.Code.DATA_LOSS) {
        LOG.warnf(refused, "registry degraded reason=%s", refused.getMessage());
      }
      return status.withDescription(refused.getMessage()).asRuntimeException();
    }
    if (failure instanceof UncheckedIOException io) {
      LOG.warnf(io, "artifact store degraded reason=%s", io.getMessage());
      return Status.UNAVAILABLE.withDescription(io.getMessage()).asRuntimeException();
    }
    LOG.errorf(failure, "request failed by a bug reason=%s", failure.getMessage());
    return Status.INTERNAL.withDescription(failure.getMessage()).asRuntimeException();
  }

  private static Status statusOf(RegistryException.Reason reason) {
    return switch (reason) {
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
      case STORE_UNAVAILABLE -> Status.UNAVAILABLE;
      case ARTIFACT_MISSING, BACKUP_CORRUPT -> Status.DATA_LOSS;
      case PRECONDITION_FAILED -> Status.FAILED_PRECONDITION;
      case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
      case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
      case EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
    };
  }
}
