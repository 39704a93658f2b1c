package io.mlmesh.featurestore.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.FeatureStoreTestResource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RedisOnlineStoreIT extends OnlineStoreContract {

  private final String prefix = "mlmesh-test-fs-" + UUID.randomUUID().toString().substring(0, 8)
      + ":";

  @Override
  OnlineStore openStore() {
    return new RedisOnlineStore(FeatureStoreTestResource.REDIS_URL, prefix);
  }

  @Override
  void cleanUp() {
    FeatureStoreTestResource.deleteKeys(prefix);
  }

  @Test
  void readAll_redisDown_unavailableNamingTheStore() {
    try (RedisOnlineStore down = new RedisOnlineStore("redis://127.0.0.1:1", prefix)) {
      Executable read = () -> down.readAll(List.of(new OnlineKey("view", 1, "ORD")))
          .toCompletableFuture().join();

      CompletionException failed = assertThrows(CompletionException.class, read);

      FeatureStoreException failure =
          assertInstanceOf(FeatureStoreException.class, failed.getCause());
      assertEquals(FeatureStoreException.Reason.UNAVAILABLE, failure.reason());
      assertTrue(failure.getMessage().startsWith(
          "online store redis at 127.0.0.1:1 is unavailable"), failure.getMessage());
    }
  }

  @Test
  void writeIfNewer_redisDown_unavailableNamingTheStore() {
    try (RedisOnlineStore down = new RedisOnlineStore("redis://127.0.0.1:1", prefix)) {
      Executable write = () -> down.writeIfNewer(List.of(new OnlineStore.Entry(
          new OnlineKey("view", 1, "ORD"), new OnlineValue(1, new double[] {1}))));

      FeatureStoreException failure = assertThrows(FeatureStoreException.class, write);

      assertEquals(FeatureStoreException.Reason.UNAVAILABLE, failure.reason());
      assertTrue(failure.getMessage().startsWith(
          "online store redis at 127.0.0.1:1 is unavailable"), failure.getMessage());
    }
  }
}
