package io.mlmesh.registry.backup;

import static io.mlmesh.registry.TestDigests.sha256;
import static io.mlmesh.registry.grpc.RegistryStoreResource.SERVER_URL;
import static io.mlmesh.registry.grpc.RegistryStoreResource.runOnServer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.registry.events.EventKind;
import io.mlmesh.registry.events.RegistryEvent;
import io.mlmesh.registry.store.Artifact;
import io.mlmesh.registry.store.ArtifactUpload;
import io.mlmesh.registry.store.Lineage;
import io.mlmesh.registry.store.RegistryException;
import io.mlmesh.registry.store.RegistrySnapshot;
import io.mlmesh.registry.store.VersionMetadata;
import io.mlmesh.registry.store.VersionSelector;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups of H2 and PostgreSQL registries restored into fresh registries on the other store and
 * the same: everything comes back, verified by digest; a backup taken during registrations is
 * one consistent cut; a damaged backup is refused before anything is written.
 */
class BackupRoundTripIT {

  private static final String DATABASE = "mlmesh_test_registry_restore";
  private static final byte[] MODEL_BYTES = "xgboost bundle bytes".getBytes();
  private static final byte[] OTHER_BYTES = "second model bytes".getBytes();

  @TempDir
  Path tempDir;

  private StandaloneRegistry source;
  private Path backupDir;

  @BeforeEach
  void fillSourceAndBackUp() throws Exception {
    source = new StandaloneRegistry(tempDir.resolve("source"), "");
    fill(source);
    backupDir = tempDir.resolve("backup");
    source.backups.backup(backupDir);
  }

  @AfterEach
  void dropDatabase() {
    source.close();
    runOnServer("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
  }

  @Test
  void restore_h2BackupIntoFreshH2_givesBackEverything() throws Exception {
    try (StandaloneRegistry target = new StandaloneRegistry(tempDir.resolve("h2"), "")) {
      assertRestoresEverything(source, backupDir, target);
    }
  }

  @Test
  void restore_postgresBackupIntoFreshH2_givesBackEverything() throws Exception {
    runOnServer("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    runOnServer("CREATE DATABASE " + DATABASE);
    Path postgresBackup = tempDir.resolve("pg-backup");
    try (StandaloneRegistry postgresSource =
        new StandaloneRegistry(tempDir.resolve("pg-source"), SERVER_URL + DATABASE)) {
      fill(postgresSource);
      postgresSource.backups.backup(postgresBackup);

      try (StandaloneRegistry target = new StandaloneRegistry(tempDir.resolve("h2"), "")) {
        assertRestoresEverything(postgresSource, postgresBackup, target);
      }
    }
  }

  @Test
  void restore_h2BackupIntoFreshPostgres_givesBackEverything() throws Exception {
    runOnServer("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    runOnServer("CREATE DATABASE " + DATABASE);
    Path dataDir = tempDir.resolve("pg");
    try (StandaloneRegistry target = new StandaloneRegistry(dataDir, SERVER_URL + DATABASE)) {
      assertRestoresEverything(source, backupDir, target);
    }
  }

  @Test
  void backup_duringConcurrentRegistrations_restoresOneConsistentCut() throws Exception {
    int registrationCount = 40;
    CountDownLatch someRegistered = new CountDownLatch(10);
    ExecutorService writers = Executors.newFixedThreadPool(4);
    List<Future<?>> registrations = new ArrayList<>();
    for (int i = 0; i < registrationCount; i++) {
      byte[] bytes = ("busy version " + i).getBytes();
      registrations.add(writers.submit(() -> {
        register(source, "busy", bytes, "busy");
        someRegistered.countDown();
      }));
    }
    assertTrue(someRegistered.await(60, TimeUnit.SECONDS));
    Path busyBackup = tempDir.resolve("busy-backup");

    BackupSummary backup = source.backups.backup(busyBackup);

    for (Future<?> registration : registrations) {
      registration.get(60, TimeUnit.SECONDS);
    }
    writers.shutdown();
    assertEquals(registrationCount, source.metadata.listVersions("busy").size());
    try (StandaloneRegistry target = new StandaloneRegistry(tempDir.resolve("busy"), "")) {
      target.backups.restore(busyBackup);
      RegistrySnapshot restored = target.snapshots.take();
      List<Long> busyVersions = restored.versions().stream()
          .filter(version -> version.model().equals("busy"))
          .map(RegistrySnapshot.VersionRow::version).toList();
      long createdEvents = restored.events().stream()
          .filter(event -> event.model().equals("busy")
              && event.kind() == EventKind.VERSION_CREATED)
          .count();

      assertEquals(backup.revision(), restored.revision());
      assertTrue(busyVersions.size() >= 10, "versions in the backup: " + busyVersions);
      assertEquals(LongStream.rangeClosed(1, busyVersions.size()).boxed().toList(),
          busyVersions);
      assertEquals(busyVersions.size(), createdEvents);
      for (RegistrySnapshot.VersionRow version : restored.versions()) {
        try (InputStream in = target.artifacts.open(version.artifact().sha256())) {
          assertEquals(version.artifact().sha256(), sha256(in.readAllBytes()));
        }
      }
    }
  }

  @Test
  void restore_damagedArtifact_failsDataLossAndWritesNothing() throws Exception {
    String sha256 = sha256(MODEL_BYTES);
    Files.write(backupDir.resolve("artifacts").resolve(sha256), "x".getBytes(),
        StandardOpenOption.APPEND);

    try (StandaloneRegistry target = new StandaloneRegistry(tempDir.resolve("bad"), "")) {
      RegistryException failure =
          assertThrows(RegistryException.class, () -> target.backups.restore(backupDir));

      assertEquals(RegistryException.Reason.BACKUP_CORRUPT, failure.reason());
      assertTrue(failure.getMessage().startsWith("backup artifact " + sha256
          + ": manifest says " + MODEL_BYTES.length + " bytes, file has "
          + (MODEL_BYTES.length + 1) + " bytes"), failure.getMessage());
      RegistrySnapshot after = target.snapshots.take();
      assertEquals(0, after.revision());
      assertEquals(List.of(), after.models());
      try (Stream<Path> files = Files.list(tempDir.resolve("bad").resolve("artifacts"))) {
        assertEquals(List.of(), files.toList());
      }
    }
  }

  @Test
  void restore_intoRestoredRegistry_failsPreconditionFailed() throws Exception {
    try (StandaloneRegistry target = new StandaloneRegistry(tempDir.resolve("twice"), "")) {
      target.backups.restore(backupDir);

      RegistryException failure =
          assertThrows(RegistryException.class, () -> target.backups.restore(backupDir));

      assertEquals(RegistryException.Reason.PRECONDITION_FAILED, failure.reason());
      assertTrue(failure.getMessage().startsWith(
          "restore: the registry is not empty (models=2"), failure.getMessage());
    }
  }

  /** Two models, a deleted version, two aliases and an artifact shared by two versions. */
  private static void fill(StandaloneRegistry registry) {
    registry.metadata.createModel("flights", "flight delays", Map.of("team", "ml"));
    register(registry, "flights", MODEL_BYTES, "first");
    register(registry, "flights", OTHER_BYTES, "second");
    register(registry, "flights", "dropped".getBytes(), "third");
    registry.metadata.deleteVersion("flights", 3);
    registry.metadata.setAlias("flights", "production", 1);
    registry.metadata.setAlias("flights", "candidate", 2);
    register(registry, "routes", OTHER_BYTES, "shares an artifact");
  }

  private static void assertRestoresEverything(StandaloneRegistry from, Path backup,
      StandaloneRegistry target) throws Exception {
    RegistrySnapshot expected = from.snapshots.take();

    BackupSummary restored = target.backups.restore(backup);

    assertEquals(new BackupSummary(expected.revision(), 2, 3, 2,
        MODEL_BYTES.length + OTHER_BYTES.length), restored);
    assertEquals(expected, target.snapshots.take());
    assertEquals(List.of(EventKind.MODEL_CREATED, EventKind.VERSION_CREATED,
        EventKind.VERSION_CREATED, EventKind.VERSION_CREATED, EventKind.VERSION_DELETED,
        EventKind.ALIAS_SET, EventKind.ALIAS_SET, EventKind.MODEL_CREATED,
        EventKind.VERSION_CREATED), expected.events().stream().map(RegistryEvent::kind).toList());
    assertEquals(Map.of("production", 1L, "candidate", 2L),
        target.metadata.getModel("flights").aliases());
    assertEquals("run-first", target.metadata.getVersion("flights",
        new VersionSelector.ByNumber(1)).metadata().lineage().runId());
    assertArtifact(target, MODEL_BYTES);
    assertArtifact(target, OTHER_BYTES);
    assertEquals(4, target.metadata.insertVersion("flights", upload(target, MODEL_BYTES),
        metadata("after restore")).version());
  }

  private static void assertArtifact(StandaloneRegistry target, byte[] bytes) throws Exception {
    try (InputStream in = target.artifacts.open(sha256(bytes))) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
  }

  private static void register(StandaloneRegistry registry, String model, byte[] bytes,
      String description) {
    registry.metadata.insertVersion(model, upload(registry, bytes), metadata(description));
  }

  private static Artifact upload(StandaloneRegistry registry, byte[] bytes) {
    Artifact declared = Artifact.declared("test", sha256(bytes), bytes.length, "test-bytes");
    ArtifactUpload upload = registry.artifacts.beginUpload(declared);
    upload.write(ByteBuffer.wrap(bytes));
    Artifact verified = upload.finish();
    registry.artifacts.commit(upload, verified);
    return verified;
  }

  private static VersionMetadata metadata(String description) {
    Lineage lineage = new Lineage("run-" + description,
        List.of(new Lineage.DatasetRef("flights-20k", sha256(new byte[] {1}), 20_000, "train")),
        List.of(new Lineage.FeatureViewRef("route_stats", 3)));
    return new VersionMetadata(Map.of("max_depth", "6"), Map.of("auc", 0.81),
        Map.of("stage", "candidate"), description, lineage);
  }
}
