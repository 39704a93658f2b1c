package io.mlmesh.registry.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.mlmesh.registry.events.EventHub;
import io.mlmesh.registry.events.RegistryEvent;
import io.mlmesh.registry.store.EventPage;
import io.mlmesh.registry.store.MetadataStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One Watch call: replays the event log after the client's revision, then forwards live events,
 * with no gap and no duplicate.
 *
 * <p>The watch subscribes to the {@link EventHub} before its first log read, so an event
 * committed during the replay is either in the log read or in the live queue, maybe both.
 * {@code coveredRevision} is the highest revision already dealt with (sent, or skipped by the
 * model filter). A live event at or below it is dropped; the next one is sent; one further above
 * means a gap (an earlier event's live delivery is still on its way, or the queue overflowed),
 * and the watch reads the log after {@code coveredRevision}. That read holds every event up to
 * the one in hand, because revisions commit in order (see {@code EventLog}).
 *
 * <p>Threads: {@link #run()} owns the watch and is the only one to send; the hub calls
 * {@link #accept} from writer threads and the call's cancel handler sets a flag. Every write to
 * the call runs on the Vert.x context the call arrived on, after checking that flag there, so
 * that Vert.x sees writes on its own thread in the order the watch made them. This does not
 * stop one known failure (README, Limits): a watch cancelled while it replays can still end
 * the client's whole connection with GOAWAY "Request stream N is not correct for server
 * connection".
 */
final class EventWatch implements Runnable, Consumer<RegistryEvent> {

  private static final Logger LOG = Logger.getLogger(EventWatch.class);
  private static final int QUEUE_CAPACITY = 1024;
  private static final int LOG_PAGE_EVENTS = 500;
  private static final long POLL_MILLIS = 500;

  private final ServerCallStreamObserver<io.mlmesh.registry.v1.RegistryEvent> call;
  private final Context callContext;
  private final MetadataStore metadata;
  private final EventHub hub;
  private final String modelFilter;
  private final BlockingQueue<RegistryEvent> live = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private volatile boolean overflowed;
  private volatile boolean cancelled;
  private long coveredRevision;

  EventWatch(ServerCallStreamObserver<io.mlmesh.registry.v1.RegistryEvent> call,
      MetadataStore metadata, EventHub hub, String modelFilter, long fromRevision) {
    this.call = call;
    this.callContext = Vertx.currentContext();
    this.metadata = metadata;
    this.hub = hub;
    this.modelFilter = modelFilter;
    this.coveredRevision = fromRevision;
    call.setOnCancelHandler(() -> cancelled = true);
    hub.subscribe(this);
  }

  @Override
  public void accept(RegistryEvent event) {
    if (!live.offer(event)) {
      overflowed = true;
    }
  }

  @Override
  public void run() {
    LOG.debugf("watch started model=%s from_revision=%d", modelFilter, coveredRevision);
    try {
      replayLog();
      while (!cancelled) {
        forwardLive(live.poll(POLL_MILLIS, TimeUnit.MILLISECONDS));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      onCallContext(() -> call.onError(Status.UNAVAILABLE
          .withDescription("registry stopping: watch again").asRuntimeException()));
    } catch (RuntimeException e) {
      onCallContext(() -> call.onError(StatusMapper.toStatus(e)));
    } finally {
      hub.unsubscribe(this);
    }
    LOG.debugf("watch ended model=%s revision=%d", modelFilter, coveredRevision);
  }

  /** Drops the subscription of a watch that never ran. */
  void abandon() {
    hub.unsubscribe(this);
  }

  private void forwardLive(RegistryEvent event) {
    if (overflowed) {
      overflowed = false;
      replayLog();
    }
    if (event == null || event.revision() <= coveredRevision) {
      return;
    }

    if (event.revision() == coveredRevision + 1) {
      coveredRevision = event.revision();
      send(event);
    } else {
      replayLog();
    }
  }

  private void replayLog() {
    EventPage page;
    do {
      page = metadata.readEvents(coveredRevision, modelFilter, LOG_PAGE_EVENTS);
      page.events().forEach(this::send);
      coveredRevision = page.coveredRevision();
    } while (!page.complete() && !cancelled);
  }

  private void send(RegistryEvent event) {
    if (event.matches(modelFilter) && !cancelled) {
      io.mlmesh.registry.v1.RegistryEvent message = ProtoMapper.toProto(event);
      onCallContext(() -> call.onNext(message));
    }
  }

  /** Runs a write on the call's context unless the client has cancelled by then. */
  private void onCallContext(Runnable write) {
    if (callContext == null) {
      write.run();
      return;
    }
    callContext.runOnContext(ignored -> {
      if (!cancelled) {
        write.run();
      }
    });
  }
}
