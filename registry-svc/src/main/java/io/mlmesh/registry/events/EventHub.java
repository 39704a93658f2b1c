package io.mlmesh.registry.events;

import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Fans committed events out to the live watchers of this process.
 *
 * <p>Delivery is a fast path, not the record: two writers publish after their commits on their
 * own threads, so listeners may see events out of order, and a listener may drop events when it
 * is full. Listeners fill any gap from the event log, which holds every committed event; see
 * {@code EventWatch}. Listeners run on the publishing writer's thread and must not block.
 *
 * <p>Thread-safe.
 */
@Singleton
public class EventHub {

  private final Set<Consumer<RegistryEvent>> listeners = ConcurrentHashMap.newKeySet();

  /** Starts handing events committed from now on to {@code listener}. */
  public void subscribe(Consumer<RegistryEvent> listener) {
    listeners.add(listener);
  }

  /** Stops handing events to {@code listener}; safe to call more than once. */
  public void unsubscribe(Consumer<RegistryEvent> listener) {
    listeners.remove(listener);
  }

  /** Hands a committed event to every listener. */
  public void publish(RegistryEvent event) {
    listeners.forEach(listener -> listener.accept(event));
  }
}
