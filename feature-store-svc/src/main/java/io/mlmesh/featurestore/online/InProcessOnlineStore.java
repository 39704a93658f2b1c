package io.mlmesh.featurestore.online;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** An online store in a map of this process: for development and demos; values die with it. */
public final class InProcessOnlineStore implements OnlineStore {

  private final Map<OnlineKey, OnlineValue> values = new ConcurrentHashMap<>();

  @Override
  public int writeIfNewer(List<Entry> entries) {
    int[] written = {0};
    for (Entry entry : entries) {
      OnlineValue offered = entry.value();
      values.compute(entry.key(), (key, current) -> {
        if (current != null && current.eventTimeMicros() >= offered.eventTimeMicros()) {
          return current;
        }
        written[0]++;
        return offered;
      });
    }
    return written[0];
  }

  @Override
  public CompletionStage<List<Optional<OnlineValue>>> readAll(List<OnlineKey> keys) {
    return CompletableFuture.completedFuture(
        keys.stream().map(key -> Optional.ofNullable(values.get(key))).toList());
  }

  @Override
  public void close() {
    values.clear();
  }
}
