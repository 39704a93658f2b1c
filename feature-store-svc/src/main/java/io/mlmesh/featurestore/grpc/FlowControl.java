package io.mlmesh.featurestore.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * Sends stream messages no faster than the client reads them.
 *
 * <p>gRPC buffers whatever {@code onNext} is given; a training set of millions of rows sent to a
 * slow client would pile up in memory. So the producing (worker) thread waits until the call is
 * ready for more before each message. The transport signals readiness and cancellation on its
 * own threads; both wake the waiting producer. A cancelled call (client gone, deadline passed)
 * ends the wait with {@link CancelledException}, so the producer stops reading its query.
 */
final class FlowControl<T> {

  /** The call was cancelled; nothing more can be sent. */
  static final class CancelledException extends RuntimeException {

    CancelledException() {
      super("the call was cancelled", null, false, false);
    }
  }

  private static final long WAIT_SLICE_MILLIS = 100;

  private final StreamObserver<T> observer;
  private final ServerCallStreamObserver<T> serverObserver;
  private final Object readiness = new Object();
  private volatile boolean cancelled;

  FlowControl(StreamObserver<T> observer) {
    this.observer = observer;
    this.serverObserver = observer instanceof ServerCallStreamObserver<T> server ? server : null;
    if (serverObserver != null) {
      serverObserver.setOnReadyHandler(this::wake);
      serverObserver.setOnCancelHandler(() -> {
        cancelled = true;
        wake();
      });
    }
  }

  /** Sends {@code message} once the call is ready; throws when the call is cancelled. */
  void send(T message) {
    awaitReady();

    observer.onNext(message);
  }

  private void awaitReady() {
    if (serverObserver == null) {
      return;
    }
    synchronized (readiness) {
      while (!cancelled && !serverObserver.isReady()) {
        try {
          readiness.wait(WAIT_SLICE_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancelledException();
        }
      }
    }
    if (cancelled || serverObserver.isCancelled()) {
      throw new CancelledException();
    }
  }

  private void wake() {
    synchronized (readiness) {
      readiness.notifyAll();
    }
  }
}
