package io.mlmesh.registry.grpc;

import io.mlmesh.registry.store.RegistryException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Threads of the Watch calls, one per open stream, at most {@value #MAX_WATCHERS}.
 *
 * <p>Why own threads rather than gRPC workers: a watch lives as long as its client, and parking
 * a worker that long would starve ordinary calls and trip the blocked-thread checks. Watchers
 * are few (one per inference replica and operator), so a thread each keeps the replay-then-live
 * logic a plain loop. Stopping the registry interrupts them, which ends their streams with
 * UNAVAILABLE so that clients reconnect with their last revision.
 */
@Singleton
public class WatchPool {

  /** Concurrent Watch streams the registry serves. */
  static final int MAX_WATCHERS = 256;

  private static final Logger LOG = Logger.getLogger(WatchPool.class);
  private static final long IDLE_THREAD_SECONDS = 60;

  private final AtomicInteger threadCount = new AtomicInteger();
  private final ThreadPoolExecutor threads = new ThreadPoolExecutor(
      0, MAX_WATCHERS, IDLE_THREAD_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
      task -> {
        Thread thread = new Thread(task, "registry-watch-" + threadCount.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });

  /**
   * Runs {@code watch} on a thread of its own.
   *
   * @throws RegistryException EXHAUSTED when every watcher slot is in use
   */
  void start(EventWatch watch) {
    try {
      threads.execute(watch);
    } catch (RejectedExecutionException e) {
      watch.abandon();
      throw new RegistryException(RegistryException.Reason.EXHAUSTED,
          "watch: all " + MAX_WATCHERS + " watcher slots are in use, retry later", e);
    }
  }

  @PreDestroy
  void close() {
    int open = threads.getActiveCount();
    threads.shutdownNow();
    LOG.infof("watch streams closed count=%d", open);
  }
}
