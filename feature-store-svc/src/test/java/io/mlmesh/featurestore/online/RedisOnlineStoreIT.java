package io.mlmesh.featurestore.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.FeatureStoreTestResource;
import java.util.List;
import java.util.UUID;
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
      Executable read = () -> down.readAll(List.of(new OnlineKey("view", 1, "ORD")));

      FeatureStoreException failure =
          assertThrows(FeatureStoreException.class, read);

      assertEquals(FeatureStoreException.Reason.UNAVAILABLE, failure.reason());
      assertTrue(failure.getMessage().startsWith(
          "online store redis at 127.0.0.1:1 is unavailable"), failure.getMessage());
    }
  }
}
