package io.mlmesh.registry.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.mlmesh.registry.v1.RegistryEvent;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.registry.v1.WatchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A client of one Watch stream that queues what it receives, for tests. */
final class WatchRecorder implements ClientResponseObserver<WatchRequest, RegistryEvent> {

  private static final long WAIT_SECONDS = 10;
  private static final long QUIET_MILLIS = 300;

  private final LinkedBlockingQueue<RegistryEvent> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> ended = new CompletableFuture<>();
  private ClientCallStreamObserver<WatchRequest> call;

  /** Opens a Watch stream from {@code fromRevision}, on {@code model} unless it is empty. */
  static WatchRecorder watch(RegistryGrpc.RegistryStub registry, String model,
      long fromRevision) {
    WatchRecorder recorder = new WatchRecorder();
    registry.watch(WatchRequest.newBuilder().setModel(model).setFromRevision(fromRevision)
        .build(), recorder);
    return recorder;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
    call = requestStream;
  }

  @Override
  public void onNext(RegistryEvent event) {
    received.add(event);
  }

  @Override
  public void onError(Throwable failure) {
    ended.complete(Status.fromThrowable(failure));
  }

  @Override
  public void onCompleted() {
    ended.complete(Status.OK);
  }

  /** The next event, waiting up to ten seconds for it. */
  RegistryEvent next() throws InterruptedException {
    RegistryEvent event = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(event, "no event within " + WAIT_SECONDS + " s");
    return event;
  }

  /** The next {@code count} events. */
  List<RegistryEvent> next(int count) throws InterruptedException {
    List<RegistryEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(next());
    }
    return events;
  }

  /** Asserts that nothing more arrives within a short quiet period. */
  void assertNothingMore() throws InterruptedException {
    RegistryEvent extra = received.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS);
    assertEquals(null, extra, "unexpected event");
  }

  /** The status the stream ended with, waiting up to ten seconds. */
  StatusRuntimeException failure() throws Exception {
    return ended.get(WAIT_SECONDS, TimeUnit.SECONDS).asRuntimeException();
  }

  void cancel() {
    call.cancel("test done", null);
  }
}
