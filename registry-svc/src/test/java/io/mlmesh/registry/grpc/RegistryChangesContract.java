package io.mlmesh.registry.grpc;

import static io.mlmesh.registry.TestDigests.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.mlmesh.registry.v1.BackupRequest;
import io.mlmesh.registry.v1.BackupSummary;
import io.mlmesh.registry.v1.DeleteModelRequest;
import io.mlmesh.registry.v1.DeleteModelResponse;
import io.mlmesh.registry.v1.DeleteVersionRequest;
import io.mlmesh.registry.v1.GetModelRequest;
import io.mlmesh.registry.v1.ListModelsRequest;
import io.mlmesh.registry.v1.MetricCondition;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegistryEvent;
import io.mlmesh.registry.v1.RegistryEvent.Kind;
import io.mlmesh.registry.v1.RestoreRequest;
import io.mlmesh.registry.v1.SearchVersionsRequest;
import io.mlmesh.registry.v1.SearchVersionsResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watch, delete, search and backup over a real gRPC channel, added to the basic contract;
 * subclasses run both on each metadata store.
 */
abstract class RegistryChangesContract extends RegistryServiceContract {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tempDir;

  @Test
  void watch_aliasMoves_arriveAsTheyHappen() throws Exception {
    String name = uniqueName("watch");
    registerBytes(name, "one");
    registerBytes(name, "two");
    WatchRecorder watcher = WatchRecorder.watch(asyncRegistry, name, 0);
    try {
      assertKinds(List.of(Kind.MODEL_CREATED, Kind.VERSION_CREATED, Kind.VERSION_CREATED),
          watcher.next(3));

      registry.setAlias(setAlias(name, "prod", 1));
      RegistryEvent set = watcher.next();
      registry.setAlias(setAlias(name, "prod", 2));
      RegistryEvent moved = watcher.next();
      registry.deleteAlias(deleteAlias(name, "prod"));
      RegistryEvent deleted = watcher.next();

      assertEvent(Kind.ALIAS_SET, name, 1, "prod", set);
      assertEvent(Kind.ALIAS_SET, name, 2, "prod", moved);
      assertEvent(Kind.ALIAS_DELETED, name, 2, "prod", deleted);
      assertEquals(set.getRevision() + 1, moved.getRevision());
      assertEquals(moved.getRevision() + 1, deleted.getRevision());
      assertTrue(deleted.getTimestamp().getSeconds() > 0);
      watcher.assertNothingMore();
    } finally {
      watcher.cancel();
    }
  }

  @Test
  void watch_cancelledWhileReplaying_otherCallsOnTheChannelUnharmed() throws Exception {
    String name = uniqueName("churn");
    registerBytes(name, "one");
    for (int alias = 0; alias < 200; alias++) {
      registry.setAlias(setAlias(name, "a" + alias, 1));
    }

    for (int round = 0; round < 40; round++) {
      WatchRecorder watcher = WatchRecorder.watch(asyncRegistry, name, 0);
      watcher.next();
      watcher.cancel();

      assertEquals(name, registry.getModel(GetModelRequest.newBuilder().setName(name).build())
          .getName(), "round " + round);
    }
  }

  @Test
  void watch_reconnectFromRevision_receivesExactlyWhatItMissed() throws Exception {
    String name = uniqueName("resume");
    registerBytes(name, "one");
    WatchRecorder first = WatchRecorder.watch(asyncRegistry, name, 0);
    long lastSeen = first.next(2).get(1).getRevision();
    first.cancel();

    registerBytes(name, "two");
    registry.setAlias(setAlias(name, "prod", 2));
    registry.setAlias(setAlias(name, "shadow", 1));
    WatchRecorder second = WatchRecorder.watch(asyncRegistry, name, lastSeen);
    try {
      List<RegistryEvent> missed = second.next(3);
      registry.deleteAlias(deleteAlias(name, "shadow"));
      RegistryEvent live = second.next();

      assertKinds(List.of(Kind.VERSION_CREATED, Kind.ALIAS_SET, Kind.ALIAS_SET), missed);
      assertEvent(Kind.ALIAS_SET, name, 1, "shadow", missed.get(2));
      assertTrue(missed.get(0).getRevision() > lastSeen);
      assertEvent(Kind.ALIAS_DELETED, name, 1, "shadow", live);
      second.assertNothingMore();
    } finally {
      second.cancel();
    }
  }

  @Test
  void watch_writesDuringReplay_everyEventOnceInRevisionOrder() throws Exception {
    String name = uniqueName("race");
    registerBytes(name, "one");
    ExecutorService writers = Executors.newFixedThreadPool(8);
    List<CompletableFuture<ModelVersion>> moves = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String alias = "a" + i;
      moves.add(CompletableFuture.supplyAsync(
          () -> registry.setAlias(setAlias(name, alias, 1)), writers));
    }
    WatchRecorder watcher = WatchRecorder.watch(asyncRegistry, name, 0);
    try {
      for (CompletableFuture<ModelVersion> move : moves) {
        move.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
      List<RegistryEvent> events = watcher.next(42);

      Set<String> aliases = new HashSet<>();
      for (int i = 1; i < events.size(); i++) {
        assertTrue(events.get(i).getRevision() > events.get(i - 1).getRevision(),
            "revisions out of order at " + i);
      }
      events.stream().skip(2).forEach(event -> aliases.add(event.getAlias()));
      assertEquals(40, aliases.size());
      watcher.assertNothingMore();
    } finally {
      watcher.cancel();
      writers.shutdownNow();
    }
  }

  @Test
  void watch_otherModelsChange_filteredOut() throws Exception {
    String watched = uniqueName("watched");
    String other = uniqueName("other");
    WatchRecorder watcher = WatchRecorder.watch(asyncRegistry, watched, 0);
    try {
      registerBytes(other, "x");
      registerBytes(watched, "y");

      assertKinds(List.of(Kind.MODEL_CREATED, Kind.VERSION_CREATED), watcher.next(2));
      watcher.assertNothingMore();
    } finally {
      watcher.cancel();
    }
  }

  @Test
  void watch_badRequest_failsInvalidArgument() throws Exception {
    WatchRecorder negative = WatchRecorder.watch(asyncRegistry, "", -1);
    WatchRecorder badName = WatchRecorder.watch(asyncRegistry, "a b", 0);

    assertStatus(Status.Code.INVALID_ARGUMENT, "from_revision: must be >= 0, got -1",
        () -> {
          throw negative.failure();
        });
    assertStatus(Status.Code.INVALID_ARGUMENT, "model: 'a b' is not a valid name",
        () -> {
          throw badName.failure();
        });
  }

  @Test
  void deleteVersion_aliased_failsNamingAliasesAndKeepsVersion() throws Exception {
    String name = modelWithTwoVersions("del-aliased", "prod");
    registry.setAlias(setAlias(name, "shadow", 1));

    assertStatus(Status.Code.FAILED_PRECONDITION, "version 1 of model '" + name
        + "' is the target of alias(es) 'prod', 'shadow': move or delete them first",
        () -> registry.deleteVersion(deleteVersion(name, 1)));
    assertEquals(1, registry.getVersion(byNumber(name, 1)).getVersion());
  }

  @Test
  void deleteVersion_newestUnaliased_removesItAndNeverReusesItsNumber() throws Exception {
    String name = uniqueName("del");
    registerBytes(name, "one");
    ModelVersion two = registerBytes(name, "two-unique-" + name);
    WatchRecorder watcher = WatchRecorder.watch(asyncRegistry, name, 0);
    watcher.next(3);

    boolean artifactDeleted =
        registry.deleteVersion(deleteVersion(name, 2)).getArtifactDeleted();

    assertTrue(artifactDeleted);
    assertFalse(Files.exists(artifactFile(two.getArtifact().getSha256())));
    assertEvent(Kind.VERSION_DELETED, name, 2, "", watcher.next());
    watcher.cancel();
    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' has no version 2",
        () -> registry.getVersion(byNumber(name, 2)));
    assertEquals(1, registry.getVersion(latest(name)).getVersion());
    assertEquals(1, getModel(name).getLatestVersion());
    assertEquals(3, registerBytes(name, "three").getVersion());
  }

  @Test
  void deleteVersion_artifactSharedWithOtherVersion_keepsFile() throws Exception {
    String name = uniqueName("del-shared");
    ModelVersion one = registerBytes(name, "same bytes " + name);
    registerBytes(name, "same bytes " + name);

    boolean artifactDeleted =
        registry.deleteVersion(deleteVersion(name, 1)).getArtifactDeleted();

    assertFalse(artifactDeleted);
    assertTrue(Files.exists(artifactFile(one.getArtifact().getSha256())));
    assertEquals(sha256(("same bytes " + name).getBytes()),
        registry.getVersion(byNumber(name, 2)).getArtifact().getSha256());
  }

  @Test
  void deleteVersion_unknownTargets_failNotFound() throws Exception {
    String name = uniqueName("del-missing");
    registerBytes(name, "one");

    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' has no version 9",
        () -> registry.deleteVersion(deleteVersion(name, 9)));
    assertStatus(Status.Code.NOT_FOUND, "model 'ghost' not found",
        () -> registry.deleteVersion(deleteVersion("ghost", 1)));
    assertStatus(Status.Code.INVALID_ARGUMENT, "version: must be >= 1, got 0",
        () -> registry.deleteVersion(deleteVersion(name, 0)));
  }

  @Test
  void deleteModel_withVersionsAndAliases_removesAllButSharedArtifacts() throws Exception {
    String name = modelWithTwoVersions("del-model", "prod");
    String keeper = uniqueName("keeper");
    ModelVersion shared = registerBytes(keeper, "one");
    String ownBytes = "own " + name;
    ModelVersion own = registerBytes(name, ownBytes);

    DeleteModelResponse deleted = registry.deleteModel(
        DeleteModelRequest.newBuilder().setName(name).build());

    assertEquals(3, deleted.getVersionsDeleted());
    assertTrue(deleted.getArtifactsDeleted() >= 1);
    assertFalse(Files.exists(artifactFile(own.getArtifact().getSha256())));
    assertTrue(Files.exists(artifactFile(shared.getArtifact().getSha256())));
    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' not found",
        () -> getModel(name));
    assertEquals(1, registry.getVersion(latest(keeper)).getVersion());
    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' not found",
        () -> registry.deleteModel(DeleteModelRequest.newBuilder().setName(name).build()));
  }

  @Test
  void backup_whileServing_writesManifestWithEveryArtifactDigest() throws Exception {
    String name = modelWithTwoVersions("backup", "prod");
    Path directory = tempDir.resolve("b1");

    BackupSummary backup = registry.backup(backupRequest(directory));

    JsonNode manifest = JSON.readTree(directory.resolve("manifest.json").toFile());
    assertEquals(backup.getRevision(), manifest.get("revision").asLong());
    Set<String> listed = new HashSet<>();
    for (JsonNode entry : manifest.get("artifacts")) {
      String sha256 = entry.get("sha256").asText();
      byte[] bytes = Files.readAllBytes(directory.resolve("artifacts").resolve(sha256));
      assertEquals(sha256, sha256(bytes));
      assertEquals(bytes.length, entry.get("sizeBytes").asLong());
      listed.add(sha256);
    }
    assertTrue(listed.contains(sha256("one".getBytes())));
    assertTrue(listed.contains(sha256("two".getBytes())));
    assertEquals(listed.size(), backup.getArtifactCount());
    assertTrue(backup.getModelCount() >= 1 && backup.getVersionCount() >= 2, backup::toString);
    assertEquals(registry.listModels(ListModelsRequest.getDefaultInstance()).getModelsCount(),
        backup.getModelCount());
    assertEquals(2, getModel(name).getLatestVersion());
  }

  @Test
  void backup_badDirectory_failsNamingIt() throws Exception {
    Path used = Files.createDirectories(tempDir.resolve("used"));
    Files.writeString(used.resolve("other.txt"), "x");

    assertStatus(Status.Code.FAILED_PRECONDITION,
        "directory: '" + used + "' exists and is not an empty directory",
        () -> registry.backup(backupRequest(used)));
    assertStatus(Status.Code.INVALID_ARGUMENT,
        "directory: must be an absolute path on the registry's host, got 'relative/dir'",
        () -> registry.backup(BackupRequest.newBuilder().setDirectory("relative/dir").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "directory: must not be empty",
        () -> registry.backup(BackupRequest.getDefaultInstance()));
  }

  @Test
  void restore_intoRegistryWithModels_failsFailedPreconditionAndChangesNothing()
      throws Exception {
    String name = uniqueName("restore-busy");
    registerBytes(name, "one");
    Path directory = tempDir.resolve("b2");
    registry.backup(backupRequest(directory));
    int modelCount =
        registry.listModels(ListModelsRequest.getDefaultInstance()).getModelsCount();

    assertStatus(Status.Code.FAILED_PRECONDITION, "restore: the registry is not empty",
        () -> registry.restore(RestoreRequest.newBuilder()
            .setDirectory(directory.toString()).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "directory: '" + tempDir
        + "' holds no manifest.json", () -> registry.restore(RestoreRequest.newBuilder()
            .setDirectory(tempDir.toString()).build()));
    assertEquals(modelCount,
        registry.listModels(ListModelsRequest.getDefaultInstance()).getModelsCount());
  }

  @Test
  void searchVersions_tagAndMetric_returnsOnlyVersionsMatchingAll() throws Exception {
    String name = uniqueName("search");
    String run = uniqueName("run");
    registerTagged(name, "a", "candidate", run, 0.70);
    registerTagged(name, "b", "candidate", run, 0.85);
    registerTagged(name, "c", "production", run, 0.90);
    registerTagged(uniqueName("search-other"), "d", "candidate", run, 0.95);

    SearchVersionsRequest inModel = SearchVersionsRequest.newBuilder()
        .setModel(name)
        .putTags("stage", "candidate")
        .addMetrics(metric("auc", MetricCondition.Comparison.GREATER_OR_EQUAL, 0.8))
        .build();
    SearchVersionsRequest everywhere = SearchVersionsRequest.newBuilder()
        .putTags("run", run)
        .addMetrics(metric("auc", MetricCondition.Comparison.GREATER_THAN, 0.8))
        .addMetrics(metric("auc", MetricCondition.Comparison.LESS_THAN, 0.92))
        .build();

    assertEquals(List.of(2L), versionNumbers(registry.searchVersions(inModel)));
    assertEquals(List.of(2L, 3L), versionNumbers(registry.searchVersions(everywhere)));
    assertEquals(1, registry.searchVersions(everywhere.toBuilder().setLimit(1).build())
        .getVersionsCount());
    assertEquals(List.of(), versionNumbers(registry.searchVersions(inModel.toBuilder()
        .clearMetrics().addMetrics(metric("rmse", MetricCondition.Comparison.LESS_THAN, 1))
        .build())));
  }

  @Test
  void searchVersions_badRequest_failsNamingField() {
    SearchVersionsRequest valid = SearchVersionsRequest.newBuilder()
        .addMetrics(metric("auc", MetricCondition.Comparison.EQUAL, 1)).build();

    assertStatus(Status.Code.INVALID_ARGUMENT, "metrics[1].comparison: must be set",
        () -> registry.searchVersions(valid.toBuilder()
            .addMetrics(MetricCondition.newBuilder().setName("auc").setValue(1)).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "metrics[0].name: must not be empty",
        () -> registry.searchVersions(valid.toBuilder().setMetrics(0,
            metric("", MetricCondition.Comparison.EQUAL, 1)).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "metrics[0].value: must be a finite number",
        () -> registry.searchVersions(valid.toBuilder().setMetrics(0,
            metric("auc", MetricCondition.Comparison.EQUAL, Double.NaN)).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "limit: must be 0 to 1000, got 5000",
        () -> registry.searchVersions(valid.toBuilder().setLimit(5000).build()));
    assertStatus(Status.Code.NOT_FOUND, "model 'ghost' not found",
        () -> registry.searchVersions(valid.toBuilder().setModel("ghost").build()));
  }

  private void registerTagged(String model, String content, String stage, String run,
      double auc) throws Exception {
    byte[] bytes = content.getBytes();
    register(header(model, bytes).toBuilder()
        .putTags("stage", stage).putTags("run", run).putMetrics("auc", auc).build(), bytes);
  }

  private static List<Long> versionNumbers(SearchVersionsResponse response) {
    return response.getVersionsList().stream().map(ModelVersion::getVersion).toList();
  }

  private static MetricCondition metric(String name, MetricCondition.Comparison comparison,
      double value) {
    return MetricCondition.newBuilder()
        .setName(name).setComparison(comparison).setValue(value).build();
  }

  private Path artifactFile(String sha256) {
    return config.dataDir().resolve("artifacts").resolve(sha256);
  }

  private static void assertKinds(List<Kind> expected, List<RegistryEvent> events) {
    assertEquals(expected, events.stream().map(RegistryEvent::getKind).toList());
    assertTrue(LongStream.range(1, events.size()).allMatch(
        i -> events.get((int) i).getRevision() > events.get((int) i - 1).getRevision()));
  }

  private static void assertEvent(Kind kind, String model, long version, String alias,
      RegistryEvent event) {
    assertEquals(kind, event.getKind(), event::toString);
    assertEquals(model, event.getModel(), event::toString);
    assertEquals(version, event.getVersion(), event::toString);
    assertEquals(alias, event.getAlias(), event::toString);
  }

  private static DeleteVersionRequest deleteVersion(String model, long version) {
    return DeleteVersionRequest.newBuilder().setModel(model).setVersion(version).build();
  }

  private static BackupRequest backupRequest(Path directory) {
    return BackupRequest.newBuilder().setDirectory(directory.toString()).build();
  }
}
