package io.mlmesh.registry.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.mlmesh.registry.v1.CreateModelRequest;
import io.mlmesh.registry.v1.Lineage;
import io.mlmesh.registry.v1.Model;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegistryEvent;
import io.mlmesh.registry.v1.RegistryEvent.Kind;
import io.mlmesh.registry.v1.SearchVersionsRequest;
import io.mlmesh.registry.v1.UpdateModelRequest;
import io.mlmesh.registry.v1.UpdateVersionRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * UpdateModel and UpdateVersion over a real gRPC channel, added to the other contracts;
 * subclasses run all of them on each metadata store.
 */
abstract class RegistryUpdatesContract extends RegistryChangesContract {

  @Test
  void updateModel_setRemoveAndDescribe_changesOnlyThose() {
    String name = uniqueName("upd-model");
    registry.createModel(CreateModelRequest.newBuilder().setName(name).setDescription("old")
        .putTags("team", "ml").putTags("stage", "dev").build());

    Model updated = registry.updateModel(UpdateModelRequest.newBuilder().setName(name)
        .setDescription("new").putSetTags("stage", "prod").putSetTags("owner", "ana")
        .addRemoveTagKeys("team").addRemoveTagKeys("never-set").build());
    Model tagsOnly = registry.updateModel(UpdateModelRequest.newBuilder().setName(name)
        .putSetTags("stage", "retired").build());
    Model cleared = registry.updateModel(UpdateModelRequest.newBuilder().setName(name)
        .setDescription("").build());

    assertEquals("new", updated.getDescription());
    assertEquals(Map.of("stage", "prod", "owner", "ana"), updated.getTagsMap());
    assertEquals("new", tagsOnly.getDescription());
    assertEquals(Map.of("stage", "retired", "owner", "ana"), tagsOnly.getTagsMap());
    assertEquals("", cleared.getDescription());
    assertEquals(cleared, getModel(name));
  }

  @Test
  void updateVersion_tagsChanged_searchSeesNewTagsAndOtherMetadataStays() throws Exception {
    String name = uniqueName("upd-version");
    byte[] bytes = "one".getBytes();
    ModelVersion registered = register(header(name, bytes).toBuilder()
        .putTags("stage", "candidate").putTags("run", "r1").putParams("eta", "0.1")
        .putMetrics("auc", 0.8).setDescription("first")
        .setLineage(Lineage.newBuilder().setRunId("r1")).build(), bytes);
    registry.setAlias(setAlias(name, "prod", 1));

    ModelVersion updated = registry.updateVersion(updateVersion(name, 1)
        .putSetTags("stage", "production").addRemoveTagKeys("run").build());

    assertEquals(Map.of("stage", "production"), updated.getTagsMap());
    assertEquals(registered.toBuilder().clearTags().putTags("stage", "production")
        .addAliases("prod").build(), updated);
    assertEquals(updated, registry.getVersion(byNumber(name, 1)));
    assertEquals(List.of(1L), searchByStage(name, "production"));
    assertEquals(List.of(), searchByStage(name, "candidate"));
    ModelVersion described = registry.updateVersion(updateVersion(name, 1)
        .setDescription("second").build());
    assertEquals("second", described.getDescription());
    assertEquals(Map.of("stage", "production"), described.getTagsMap());
  }

  @Test
  void updates_watched_emitModelUpdatedAndVersionUpdatedEvents() throws Exception {
    String name = uniqueName("upd-watch");
    registerBytes(name, "one");
    WatchRecorder watcher = WatchRecorder.watch(asyncRegistry, name, 0);
    try {
      watcher.next(2);

      registry.updateModel(UpdateModelRequest.newBuilder().setName(name)
          .putSetTags("team", "ml").build());
      RegistryEvent modelUpdated = watcher.next();
      registry.updateVersion(updateVersion(name, 1).setDescription("tuned").build());
      RegistryEvent versionUpdated = watcher.next();

      assertEquals(List.of(Kind.MODEL_UPDATED, name, 0L),
          List.of(modelUpdated.getKind(), modelUpdated.getModel(), modelUpdated.getVersion()));
      assertEquals(List.of(Kind.VERSION_UPDATED, name, 1L, ""), List.of(
          versionUpdated.getKind(), versionUpdated.getModel(), versionUpdated.getVersion(),
          versionUpdated.getAlias()));
      assertEquals(modelUpdated.getRevision() + 1, versionUpdated.getRevision());
      watcher.assertNothingMore();
    } finally {
      watcher.cancel();
    }
  }

  @Test
  void updates_badRequests_failInvalidArgumentNamingFieldAndChangeNothing() throws Exception {
    String name = uniqueName("upd-bad");
    registerBytes(name, "one");
    registry.updateVersion(updateVersion(name, 1).putSetTags("stage", "dev").build());
    ModelVersion before = registry.getVersion(byNumber(name, 1));
    Model modelBefore = getModel(name);

    assertStatus(Status.Code.INVALID_ARGUMENT, "set_tags: key 'bad key' is not a valid tag key",
        () -> registry.updateVersion(updateVersion(name, 1)
            .putSetTags("bad key", "x").putSetTags("stage", "prod").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "set_tags: key '' is not a valid tag key",
        () -> registry.updateModel(updateModel(name).putSetTags("", "x").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "remove_tag_keys[0]: 'stage' is also in set_tags",
        () -> registry.updateVersion(updateVersion(name, 1)
            .putSetTags("stage", "prod").addRemoveTagKeys("stage").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "remove_tag_keys[1]: must not be empty",
        () -> registry.updateModel(updateModel(name)
            .addRemoveTagKeys("stage").addRemoveTagKeys("").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT,
        "description, set_tags, remove_tag_keys: the request changes nothing",
        () -> registry.updateModel(updateModel(name).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "set_tags['note']: value has 5001 characters",
        () -> registry.updateVersion(updateVersion(name, 1)
            .putSetTags("note", "x".repeat(5001)).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "version: must be >= 1, got 0",
        () -> registry.updateVersion(updateVersion(name, 0).setDescription("x").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "name: 'a b' is not a valid name",
        () -> registry.updateModel(updateModel("a b").setDescription("x").build()));
    assertEquals(before, registry.getVersion(byNumber(name, 1)));
    assertEquals(modelBefore, getModel(name));
  }

  @Test
  void updates_unknownTargets_failNotFound() throws Exception {
    String name = uniqueName("upd-missing");
    registerBytes(name, "one");

    assertStatus(Status.Code.NOT_FOUND, "model 'ghost' not found",
        () -> registry.updateModel(updateModel("ghost").setDescription("x").build()));
    assertStatus(Status.Code.NOT_FOUND, "model 'ghost' not found",
        () -> registry.updateVersion(updateVersion("ghost", 1).setDescription("x").build()));
    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' has no version 7",
        () -> registry.updateVersion(updateVersion(name, 7).setDescription("x").build()));
  }

  private List<Long> searchByStage(String model, String stage) {
    return registry.searchVersions(SearchVersionsRequest.newBuilder()
            .setModel(model).putTags("stage", stage).build())
        .getVersionsList().stream().map(ModelVersion::getVersion).toList();
  }

  private static UpdateModelRequest.Builder updateModel(String name) {
    return UpdateModelRequest.newBuilder().setName(name);
  }

  private static UpdateVersionRequest.Builder updateVersion(String model, long version) {
    return UpdateVersionRequest.newBuilder().setModel(model).setVersion(version);
  }
}
