package io.mlmesh.featurestore.online;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Newest feature values per (view, version, entity), read in bulk by the serving path.
 *
 * <p>Implementations are thread-safe. Failures of the backing store surface as a
 * {@link io.mlmesh.featurestore.FeatureStoreException} with reason UNAVAILABLE: thrown by writes,
 * and completing a read's stage exceptionally.
 */
public interface OnlineStore extends AutoCloseable {

  /** One value to store under {@code key}. */
  record Entry(OnlineKey key, OnlineValue value) {
  }

  /**
   * Stores each entry whose event time is later than the stored one's (or that has none), as
   * one atomic step per entry, so the store never goes back in time.
   *
   * @return how many entries were written
   */
  int writeIfNewer(List<Entry> entries);

  /**
   * The stored values for {@code keys}, in the same order; empty where none is stored. Never
   * blocks the calling thread: the serving path calls it from an event loop, and the stage may
   * complete on the store's own I/O thread.
   */
  CompletionStage<List<Optional<OnlineValue>>> readAll(List<OnlineKey> keys);

  @Override
  void close();
}
