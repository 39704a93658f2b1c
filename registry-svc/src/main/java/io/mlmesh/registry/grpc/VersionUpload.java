package io.mlmesh.registry.grpc;

import io.grpc.stub.StreamObserver;
import io.mlmesh.registry.store.Artifact;
import io.mlmesh.registry.store.ArtifactStore;
import io.mlmesh.registry.store.ArtifactUpload;
import io.mlmesh.registry.store.MetadataStore;
import io.mlmesh.registry.store.Names;
import io.mlmesh.registry.store.RegistryException;
import io.mlmesh.registry.store.VersionRecord;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegisterVersionChunk;
import io.mlmesh.registry.v1.RegisterVersionHeader;
import org.jboss.logging.Logger;

/**
 * The receiving side of one RegisterVersion stream: a header, then data chunks.
 *
 * <p>Bytes go to a temp file as they arrive; only when the stream completes and the size and
 * digest match the header is the file moved to its content address and the version row
 * inserted. Any failure, including a cancelled call, deletes the temp file, so nothing of a bad
 * upload becomes visible. After the first failure every later message is ignored.
 *
 * <p>Not thread-safe: gRPC delivers one call's callbacks in order, one at a time.
 */
final class VersionUpload implements StreamObserver<RegisterVersionChunk> {

  private static final Logger LOG = Logger.getLogger(VersionUpload.class);

  private final ArtifactStore artifacts;
  private final MetadataStore metadata;
  private final StreamObserver<ModelVersion> response;
  private RegisterVersionHeader header;
  private String model;
  private ArtifactUpload upload;
  private boolean finished;

  VersionUpload(ArtifactStore artifacts, MetadataStore metadata,
      StreamObserver<ModelVersion> response) {
    this.artifacts = artifacts;
    this.metadata = metadata;
    this.response = response;
  }

  @Override
  public void onNext(RegisterVersionChunk chunk) {
    if (finished) {
      return;
    }

    try {
      switch (chunk.getPartCase()) {
        case HEADER -> acceptHeader(chunk.getHeader());
        case DATA -> acceptData(chunk);
        case PART_NOT_SET -> throw RegistryException.invalid("chunk: neither header nor data");
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  @Override
  public void onError(Throwable cause) {
    if (finished) {
      return;
    }

    finished = true;
    abortUpload();
    LOG.debugf("upload abandoned by client model=%s reason=%s", model, cause.getMessage());
  }

  @Override
  public void onCompleted() {
    if (finished) {
      return;
    }

    try {
      if (header == null) {
        throw RegistryException.invalid("header: missing, the stream ended without one");
      }
      Artifact verified = upload.finish();
      VersionRecord version = artifacts.whilePinned(() -> {
        artifacts.commit(upload, verified);
        return metadata.insertVersion(model, verified, ProtoMapper.toMetadata(header));
      });
      finished = true;
      response.onNext(ProtoMapper.toProto(version));
      response.onCompleted();
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  private void acceptHeader(RegisterVersionHeader received) {
    if (header != null) {
      throw RegistryException.invalid("header: sent twice, only the first chunk may carry it");
    }

    model = Names.requireValid("header.model", received.getModel());
    Artifact declared = ProtoMapper.declaredArtifact(received);
    header = received;
    upload = artifacts.beginUpload(declared);
  }

  private void acceptData(RegisterVersionChunk chunk) {
    if (header == null) {
      throw RegistryException.invalid("header: missing, the first chunk must carry it, not data");
    }

    upload.write(chunk.getData().asReadOnlyByteBuffer());
  }

  private void fail(RuntimeException cause) {
    finished = true;
    abortUpload();
    response.onError(StatusMapper.toStatus(cause));
  }

  private void abortUpload() {
    if (upload != null) {
      upload.abort();
    }
  }
}
