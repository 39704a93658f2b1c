package io.mlmesh.registry.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.stub.ServerCallStreamObserver;
import io.mlmesh.registry.store.VersionRecord;
import io.mlmesh.registry.v1.ArtifactChunk;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Streams one artifact file in 1 MiB chunks, honouring gRPC flow control.
 *
 * <p>Sends only while the call is ready and resumes from the call's on-ready callback, so a slow
 * receiver holds at most a few chunks in memory whatever the artifact's size. The first chunk
 * carries the artifact's size and digest, and the version number. Callbacks of one call run in
 * order; the lock guards the first {@link #run()} from the service method against them anyway.
 */
final class ArtifactSender implements Runnable {

  /** Data bytes per chunk. */
  static final int CHUNK_BYTES = 1 << 20;

  private final Object lock = new Object();
  private final ServerCallStreamObserver<ArtifactChunk> call;
  private final VersionRecord version;
  private final InputStream artifact;
  private boolean firstSent;
  private boolean done;

  ArtifactSender(ServerCallStreamObserver<ArtifactChunk> call, VersionRecord version,
      InputStream artifact) {
    this.call = call;
    this.version = version;
    this.artifact = artifact;
  }

  /** Sends chunks while the call is ready; completes the call after the last one. */
  @Override
  public void run() {
    synchronized (lock) {
      try {
        while (!done && call.isReady()) {
          sendNextChunk();
        }
      } catch (IOException e) {
        close();
        call.onError(StatusMapper.toStatus(new UncheckedIOException(
            "artifact store: cannot read " + version.artifact().sha256(), e)));
      }
    }
  }

  /** Releases the file; called when the call ends early. */
  void close() {
    synchronized (lock) {
      done = true;
      try {
        artifact.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void sendNextChunk() throws IOException {
    byte[] data = artifact.readNBytes(CHUNK_BYTES);
    if (data.length == 0 && firstSent) {
      close();
      call.onCompleted();
      return;
    }

    ArtifactChunk.Builder chunk =
        ArtifactChunk.newBuilder().setData(UnsafeByteOperations.unsafeWrap(data));
    if (!firstSent) {
      chunk.setArtifact(ProtoMapper.toProto(version.artifact())).setVersion(version.version());
      firstSent = true;
    }
    call.onNext(chunk.build());
  }
}
