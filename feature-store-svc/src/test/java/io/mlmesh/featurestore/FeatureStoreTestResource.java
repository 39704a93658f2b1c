package io.mlmesh.featurestore;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Gives the test instance its own temporary data dir and Redis key prefix, and removes both (the
 * folder and every key under the prefix) when the tests end.
 */
public final class FeatureStoreTestResource implements QuarkusTestResourceLifecycleManager {

  public static final String REDIS_URL = "redis://127.0.0.1:6379";

  private Path dataDir;
  private String keyPrefix;

  @Override
  public Map<String, String> start() {
    try {
      dataDir = Files.createTempDirectory("mlmesh-test-fs-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    keyPrefix = "mlmesh-test-fs-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    return Map.of("mlmesh.featurestore.data-dir", dataDir.toString(),
        "mlmesh.featurestore.key-prefix", keyPrefix);
  }

  @Override
  public void stop() {
    deleteKeys(keyPrefix);
    deleteTree(dataDir);
  }

  /** Deletes every Redis key that starts with {@code prefix}. */
  public static void deleteKeys(String prefix) {
    RedisClient client = RedisClient.create(REDIS_URL);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> commands = connection.sync();
      ScanArgs match = ScanArgs.Builder.matches(prefix + "*").limit(1000);
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = commands.scan(cursor, match);
        if (!page.getKeys().isEmpty()) {
          commands.del(page.getKeys().toArray(String[]::new));
        }
        cursor = page;
      } while (!cursor.isFinished());
    } finally {
      client.shutdown();
    }
  }

  /** Deletes a folder and everything in it. */
  public static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
