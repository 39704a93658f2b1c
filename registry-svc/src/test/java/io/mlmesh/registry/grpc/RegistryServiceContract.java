package io.mlmesh.registry.grpc;

import static io.mlmesh.registry.TestDigests.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.mlmesh.registry.config.RegistryConfig;
import io.mlmesh.registry.v1.ArtifactChunk;
import io.mlmesh.registry.v1.ArtifactInfo;
import io.mlmesh.registry.v1.CreateModelRequest;
import io.mlmesh.registry.v1.DatasetRef;
import io.mlmesh.registry.v1.DeleteAliasRequest;
import io.mlmesh.registry.v1.FeatureViewRef;
import io.mlmesh.registry.v1.GetModelRequest;
import io.mlmesh.registry.v1.GetVersionRequest;
import io.mlmesh.registry.v1.Lineage;
import io.mlmesh.registry.v1.ListModelsRequest;
import io.mlmesh.registry.v1.ListVersionsRequest;
import io.mlmesh.registry.v1.Model;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegisterVersionChunk;
import io.mlmesh.registry.v1.RegisterVersionHeader;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.registry.v1.SetAliasRequest;
import io.mlmesh.registry.v1.VersionSelector;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The Registry service over a real gRPC channel; subclasses run it on each metadata store.
 * Every test works on models of its own, named with a random suffix.
 */
abstract class RegistryServiceContract {

  static final long CALL_TIMEOUT_SECONDS = 30;
  private static final int UPLOAD_CHUNK_BYTES = 256 * 1024;

  @TestHTTPResource("/")
  URL serverUrl;

  @Inject
  RegistryConfig config;

  ManagedChannel channel;
  RegistryGrpc.RegistryBlockingStub registry;
  RegistryGrpc.RegistryStub asyncRegistry;

  @BeforeEach
  void openChannel() {
    channel = ManagedChannelBuilder.forAddress(serverUrl.getHost(), serverUrl.getPort())
        .usePlaintext()
        .build();
    registry = RegistryGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    asyncRegistry = RegistryGrpc.newStub(channel);
  }

  @AfterEach
  void closeChannel() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void createModel_newName_returnsModelWithoutVersions() {
    String name = uniqueName("create");

    Model created = registry.createModel(CreateModelRequest.newBuilder()
        .setName(name).setDescription("flight delays").putTags("team", "ml").build());

    assertEquals(name, created.getName());
    assertEquals("flight delays", created.getDescription());
    assertEquals(Map.of("team", "ml"), created.getTagsMap());
    assertEquals(0, created.getLatestVersion());
    assertTrue(created.getCreatedAt().getSeconds() > 0);
    Model fetched = getModel(name);
    assertEquals(created, fetched);
    assertTrue(registry.listModels(ListModelsRequest.getDefaultInstance()).getModelsList()
        .contains(created));
  }

  @Test
  void createModel_existingName_failsAlreadyExists() {
    String name = uniqueName("dup");
    registry.createModel(CreateModelRequest.newBuilder().setName(name).build());

    assertStatus(Status.Code.ALREADY_EXISTS, "model '" + name + "' already exists",
        () -> registry.createModel(CreateModelRequest.newBuilder().setName(name).build()));
  }

  @Test
  void createModel_invalidName_failsInvalidArgumentNamingField() {
    assertStatus(Status.Code.INVALID_ARGUMENT, "name: must not be empty",
        () -> registry.createModel(CreateModelRequest.getDefaultInstance()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "name: 'bad name!' is not a valid name",
        () -> registry.createModel(CreateModelRequest.newBuilder().setName("bad name!").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "name: '-x' is not a valid name",
        () -> registry.createModel(CreateModelRequest.newBuilder().setName("-x").build()));
  }

  @Test
  void getModel_unknownName_failsNotFound() {
    assertStatus(Status.Code.NOT_FOUND, "model 'no-such-model' not found",
        () -> getModel("no-such-model"));
  }

  @Test
  void registerVersion_newModelWithMetadata_createsModelAndStoresEverything() throws Exception {
    String name = uniqueName("meta");
    byte[] bytes = "model bytes".getBytes();
    Lineage lineage = Lineage.newBuilder()
        .setRunId("run-42")
        .addDatasets(DatasetRef.newBuilder()
            .setName("flights").setContentSha256(sha256(new byte[] {1})).setRowCount(20_000)
            .setRole("train"))
        .addFeatureViews(FeatureViewRef.newBuilder().setName("route_stats").setVersion(3))
        .build();
    RegisterVersionHeader header = header(name, bytes).toBuilder()
        .putParams("max_depth", "6")
        .putMetrics("auc", 0.81)
        .putTags("stage", "candidate")
        .setDescription("first try")
        .setLineage(lineage)
        .build();

    ModelVersion registered = register(header, bytes);

    assertEquals(1, registered.getVersion());
    assertEquals(header.getArtifact(), registered.getArtifact());
    assertEquals(Map.of("max_depth", "6"), registered.getParamsMap());
    assertEquals(Map.of("auc", 0.81), registered.getMetricsMap());
    assertEquals(Map.of("stage", "candidate"), registered.getTagsMap());
    assertEquals("first try", registered.getDescription());
    assertEquals(lineage, registered.getLineage());
    assertEquals(registered, registry.getVersion(byNumber(name, 1)));
    assertEquals(1, getModel(name).getLatestVersion());
  }

  @Test
  void registerVersion_fiftyConcurrentUploads_numbersOneToFifty() throws Exception {
    String name = uniqueName("concurrent");
    List<CompletableFuture<ModelVersion>> uploads = new ArrayList<>();

    for (int i = 0; i < 50; i++) {
      byte[] bytes = ("artifact " + i).getBytes();
      uploads.add(startUpload(header(name, bytes), bytes));
    }
    List<Long> numbers = new ArrayList<>();
    for (CompletableFuture<ModelVersion> upload : uploads) {
      numbers.add(upload.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getVersion());
    }

    List<Long> expected = LongStream.rangeClosed(1, 50).boxed().toList();
    assertEquals(expected, numbers.stream().sorted().toList());
    assertEquals(expected, registry.listVersions(listVersions(name)).getVersionsList().stream()
        .map(ModelVersion::getVersion).toList());
    assertEquals(50, getModel(name).getLatestVersion());
  }

  @Test
  void registerVersion_digestMismatch_failsAndLeavesNothingVisible() throws Exception {
    String name = uniqueName("mismatch");
    byte[] declared = "declared bytes".getBytes();
    byte[] sent = "other bytes!!!".getBytes();

    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> register(header(name, declared), sent));

    StatusRuntimeException status = (StatusRuntimeException) failure.getCause();
    assertEquals(Status.Code.INVALID_ARGUMENT, status.getStatus().getCode());
    assertEquals("artifact.sha256: declared " + sha256(declared) + ", actual " + sha256(sent),
        status.getStatus().getDescription());
    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' not found",
        () -> getModel(name));
    assertNoUploadFilesLeft();
  }

  @Test
  void registerVersion_digestMismatchOnExistingModel_keepsVersionsUnchanged() throws Exception {
    String name = uniqueName("mismatch-existing");
    byte[] bytes = "good".getBytes();
    register(header(name, bytes), bytes);

    assertThrows(ExecutionException.class,
        () -> register(header(name, bytes), "evil".getBytes()));

    assertEquals(1, registry.listVersions(listVersions(name)).getVersionsCount());
    assertEquals(1, registry.getVersion(latest(name)).getVersion());
  }

  @Test
  void registerVersion_fewerBytesThanDeclared_failsInvalidArgument() {
    String name = uniqueName("short");
    byte[] bytes = "twelve bytes".getBytes();
    RegisterVersionHeader header = header(name, bytes);

    assertUploadStatus(Status.Code.INVALID_ARGUMENT,
        "artifact.size_bytes: declared 12, received 6",
        List.of(headerChunk(header), dataChunk(new byte[6])));
  }

  @Test
  void registerVersion_moreBytesThanDeclared_failsInvalidArgument() {
    String name = uniqueName("long");
    byte[] bytes = "four".getBytes();

    assertUploadStatus(Status.Code.INVALID_ARGUMENT,
        "artifact.size_bytes: declared 4, received more",
        List.of(headerChunk(header(name, bytes)), dataChunk(new byte[5])));
  }

  @Test
  void registerVersion_dataBeforeHeader_failsInvalidArgument() {
    assertUploadStatus(Status.Code.INVALID_ARGUMENT,
        "header: missing, the first chunk must carry it, not data",
        List.of(dataChunk(new byte[3])));
  }

  @Test
  void registerVersion_emptyStream_failsInvalidArgument() {
    assertUploadStatus(Status.Code.INVALID_ARGUMENT,
        "header: missing, the stream ended without one", List.of());
  }

  @Test
  void registerVersion_invalidHeader_failsInvalidArgumentNamingField() {
    byte[] bytes = "x".getBytes();
    RegisterVersionHeader valid = header(uniqueName("header"), bytes);

    assertUploadStatus(Status.Code.INVALID_ARGUMENT, "header.model: must not be empty",
        List.of(headerChunk(valid.toBuilder().clearModel().build())));
    assertUploadStatus(Status.Code.INVALID_ARGUMENT, "header.artifact: missing",
        List.of(headerChunk(valid.toBuilder().clearArtifact().build())));
    assertUploadStatus(Status.Code.INVALID_ARGUMENT,
        "header.artifact.sha256: must be 64 hexadecimal digits, got 'abc'",
        List.of(headerChunk(valid.toBuilder()
            .setArtifact(valid.getArtifact().toBuilder().setSha256("abc")).build())));
    assertUploadStatus(Status.Code.INVALID_ARGUMENT, "header: sent twice",
        List.of(headerChunk(valid), headerChunk(valid)));
  }

  @Test
  void getVersion_byNumberAliasAndLatest_selectsMatchingVersion() throws Exception {
    String name = modelWithTwoVersions("select", "champion");

    assertEquals(1, registry.getVersion(byNumber(name, 1)).getVersion());
    assertEquals(1, registry.getVersion(byAlias(name, "champion")).getVersion());
    assertEquals(2, registry.getVersion(latest(name)).getVersion());
    assertEquals(2, registry.getVersion(GetVersionRequest.newBuilder().setModel(name).build())
        .getVersion());
  }

  @Test
  void getVersion_unknownTargets_failNotFoundNamingThem() throws Exception {
    String name = uniqueName("missing");
    registry.createModel(CreateModelRequest.newBuilder().setName(name).build());

    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' has no versions",
        () -> registry.getVersion(latest(name)));
    registerBytes(name, "one");
    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' has no version 7",
        () -> registry.getVersion(byNumber(name, 7)));
    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' has no alias 'prod'",
        () -> registry.getVersion(byAlias(name, "prod")));
    assertStatus(Status.Code.NOT_FOUND, "model 'ghost' not found",
        () -> registry.getVersion(latest("ghost")));
    assertStatus(Status.Code.INVALID_ARGUMENT, "selector.version: must be >= 1, got 0",
        () -> registry.getVersion(byNumber(name, 0)));
  }

  @Test
  void setAlias_movedToOtherVersion_pointsOnlyAtNewVersion() throws Exception {
    String name = modelWithTwoVersions("alias", "prod");

    ModelVersion moved = registry.setAlias(setAlias(name, "prod", 2));

    assertEquals(List.of("prod"), moved.getAliasesList());
    assertEquals(List.of(), registry.getVersion(byNumber(name, 1)).getAliasesList());
    assertEquals(2, registry.getVersion(byAlias(name, "prod")).getVersion());
    assertEquals(Map.of("prod", 2L), getModel(name).getAliasesMap());
  }

  @Test
  void setAlias_unknownVersionOrBadName_failsWithoutChange() throws Exception {
    String name = uniqueName("alias-bad");
    registerBytes(name, "one");

    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' has no version 5",
        () -> registry.setAlias(setAlias(name, "prod", 5)));
    assertStatus(Status.Code.INVALID_ARGUMENT, "alias: 'a b' is not a valid name",
        () -> registry.setAlias(setAlias(name, "a b", 1)));
    assertStatus(Status.Code.INVALID_ARGUMENT, "version: must be >= 1, got 0",
        () -> registry.setAlias(setAlias(name, "prod", 0)));
    assertEquals(Map.of(), getModel(name).getAliasesMap());
  }

  @Test
  void deleteAlias_existingAlias_returnsVersionAndRemovesIt() throws Exception {
    String name = uniqueName("unalias");
    registerBytes(name, "one");
    registry.setAlias(setAlias(name, "prod", 1));

    long version = registry.deleteAlias(deleteAlias(name, "prod")).getVersion();

    assertEquals(1, version);
    assertEquals(List.of(), registry.getVersion(byNumber(name, 1)).getAliasesList());
    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' has no alias 'prod'",
        () -> registry.deleteAlias(deleteAlias(name, "prod")));
  }

  @Test
  void downloadArtifact_multiChunkArtifact_roundTripsWithDigest() throws Exception {
    String name = uniqueName("download");
    byte[] bytes = new byte[3 * 1024 * 1024 + 12345];
    new Random(7).nextBytes(bytes);
    register(header(name, bytes), bytes);

    Iterator<ArtifactChunk> chunks = registry.downloadArtifact(latest(name));

    ArtifactChunk first = chunks.next();
    assertEquals(1, first.getVersion());
    assertEquals(sha256(bytes), first.getArtifact().getSha256());
    assertEquals(bytes.length, first.getArtifact().getSizeBytes());
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    first.getData().writeTo(received);
    int chunkCount = 1;
    while (chunks.hasNext()) {
      ArtifactChunk chunk = chunks.next();
      assertTrue(chunk.getData().size() <= ArtifactSender.CHUNK_BYTES);
      assertEquals(false, chunk.hasArtifact());
      chunk.getData().writeTo(received);
      chunkCount++;
    }
    assertEquals(4, chunkCount);
    assertEquals(first.getArtifact().getSha256(), sha256(received.toByteArray()));
    assertArrayEquals(bytes, received.toByteArray());
  }

  @Test
  void downloadArtifact_unknownModel_failsNotFound() {
    assertStatus(Status.Code.NOT_FOUND, "model 'ghost' not found", () -> {
      Iterator<ArtifactChunk> chunks = registry.downloadArtifact(latest("ghost"));
      chunks.hasNext();
    });
  }

  private void assertNoUploadFilesLeft() throws IOException {
    try (Stream<Path> files = Files.list(config.dataDir().resolve("tmp"))) {
      assertEquals(List.of(), files.toList());
    }
  }

  void assertUploadStatus(Status.Code code, String messageStart,
      List<RegisterVersionChunk> chunks) {
    ExecutionException failure = assertThrows(ExecutionException.class,
        () -> upload(chunks).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS));
    Status status = ((StatusRuntimeException) failure.getCause()).getStatus();
    assertEquals(code, status.getCode(), status::toString);
    assertTrue(status.getDescription().startsWith(messageStart), status::toString);
  }

  static void assertStatus(Status.Code code, String messageStart, Executable call) {
    StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, failure.getStatus().getCode(), failure::toString);
    assertTrue(failure.getStatus().getDescription().startsWith(messageStart),
        failure::toString);
  }

  /** A new model with versions 1 and 2 and {@code alias} pointing at 1. */
  String modelWithTwoVersions(String prefix, String alias) throws Exception {
    String name = uniqueName(prefix);
    registerBytes(name, "one");
    registerBytes(name, "two");
    registry.setAlias(setAlias(name, alias, 1));
    return name;
  }

  Model getModel(String name) {
    return registry.getModel(GetModelRequest.newBuilder().setName(name).build());
  }

  ModelVersion registerBytes(String model, String content) throws Exception {
    byte[] bytes = content.getBytes();
    return register(header(model, bytes), bytes);
  }

  ModelVersion register(RegisterVersionHeader header, byte[] bytes) throws Exception {
    return startUpload(header, bytes).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  CompletableFuture<ModelVersion> startUpload(RegisterVersionHeader header,
      byte[] bytes) {
    List<RegisterVersionChunk> chunks = new ArrayList<>();
    chunks.add(headerChunk(header));
    for (int offset = 0; offset < bytes.length; offset += UPLOAD_CHUNK_BYTES) {
      int length = Math.min(UPLOAD_CHUNK_BYTES, bytes.length - offset);
      chunks.add(RegisterVersionChunk.newBuilder()
          .setData(ByteString.copyFrom(bytes, offset, length)).build());
    }
    return upload(chunks);
  }

  CompletableFuture<ModelVersion> upload(List<RegisterVersionChunk> chunks) {
    return upload(asyncRegistry, chunks);
  }

  /** Sends {@code chunks} as one RegisterVersion stream through {@code stub}. */
  static CompletableFuture<ModelVersion> upload(RegistryGrpc.RegistryStub stub,
      List<RegisterVersionChunk> chunks) {
    CompletableFuture<ModelVersion> result = new CompletableFuture<>();
    StreamObserver<RegisterVersionChunk> requests = stub
        .withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .registerVersion(new StreamObserver<>() {
          @Override
          public void onNext(ModelVersion version) {
            result.complete(version);
          }

          @Override
          public void onError(Throwable failure) {
            result.completeExceptionally(failure);
          }

          @Override
          public void onCompleted() {
            result.completeExceptionally(new IllegalStateException("no response"));
          }
        });
    chunks.forEach(requests::onNext);
    requests.onCompleted();
    return result;
  }

  static RegisterVersionHeader header(String model, byte[] bytes) {
    return RegisterVersionHeader.newBuilder()
        .setModel(model)
        .setArtifact(ArtifactInfo.newBuilder()
            .setSha256(sha256(bytes)).setSizeBytes(bytes.length).setFormat("test-bytes"))
        .build();
  }

  static RegisterVersionChunk headerChunk(RegisterVersionHeader header) {
    return RegisterVersionChunk.newBuilder().setHeader(header).build();
  }

  static RegisterVersionChunk dataChunk(byte[] bytes) {
    return RegisterVersionChunk.newBuilder().setData(ByteString.copyFrom(bytes)).build();
  }

  static GetVersionRequest byNumber(String model, long version) {
    return GetVersionRequest.newBuilder().setModel(model)
        .setSelector(VersionSelector.newBuilder().setVersion(version)).build();
  }

  static GetVersionRequest byAlias(String model, String alias) {
    return GetVersionRequest.newBuilder().setModel(model)
        .setSelector(VersionSelector.newBuilder().setAlias(alias)).build();
  }

  static GetVersionRequest latest(String model) {
    return GetVersionRequest.newBuilder().setModel(model)
        .setSelector(VersionSelector.newBuilder().setLatest(true)).build();
  }

  static ListVersionsRequest listVersions(String model) {
    return ListVersionsRequest.newBuilder().setModel(model).build();
  }

  static SetAliasRequest setAlias(String model, String alias, long version) {
    return SetAliasRequest.newBuilder().setModel(model).setAlias(alias).setVersion(version)
        .build();
  }

  static DeleteAliasRequest deleteAlias(String model, String alias) {
    return DeleteAliasRequest.newBuilder().setModel(model).setAlias(alias).build();
  }

  static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
