package io.mlmesh.registry.grpc;

import static io.mlmesh.registry.TestDigests.sha256;
import static io.mlmesh.registry.grpc.RegistryServiceContract.CALL_TIMEOUT_SECONDS;
import static io.mlmesh.registry.grpc.RegistryServiceContract.assertStatus;
import static io.mlmesh.registry.grpc.RegistryServiceContract.byNumber;
import static io.mlmesh.registry.grpc.RegistryServiceContract.header;
import static io.mlmesh.registry.grpc.RegistryServiceContract.headerChunk;
import static io.mlmesh.registry.grpc.RegistryServiceContract.listVersions;
import static io.mlmesh.registry.grpc.RegistryServiceContract.setAlias;
import static io.mlmesh.registry.grpc.RegistryServiceContract.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.mlmesh.registry.v1.ArtifactChunk;
import io.mlmesh.registry.v1.GetModelRequest;
import io.mlmesh.registry.v1.ListModelsRequest;
import io.mlmesh.registry.v1.Model;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegisterVersionChunk;
import io.mlmesh.registry.v1.RegistryEvent;
import io.mlmesh.registry.v1.RegistryEvent.Kind;
import io.mlmesh.registry.v1.RegistryGrpc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A registry process killed with SIGKILL while two RegisterVersion streams are half sent, then
 * started again on the same data folder and database, on each metadata store.
 *
 * <p>One upload is the first version of a new model, the other the second version of a model
 * that has one. The kill comes once the registry has written the sent bytes of both to its
 * upload folder, so it dies in the middle of receiving them, and right after it acknowledged an
 * alias change. After the restart the test checks what a client and an operator can see: the
 * acknowledged changes and nothing else (no new model or version, no event in the Watch history
 * for the killed uploads), no upload file left, no artifact file but the one version's (also
 * after a kill between storing a file and committing its version, whose leftover the test puts
 * in place), and the next registrations numbered as if the killed ones had never started (1 for
 * the new model, 2 for the other). The alias change just before the kill catches a store that
 * acknowledges commits before writing them (H2's default write delay lost them).
 *
 * <p>Runs against the packaged jar after {@code package} (failsafe, {@code *ProcessIT}); the
 * artifacts are the carried real data files.
 */
class RegistryCrashProcessIT {

  private static final String DATABASE = "mlmesh_test_registry_crash";
  private static final String EXISTING_MODEL = "crash-existing";
  private static final String NEW_MODEL = "crash-new";
  private static final String ALIAS = "production";
  private static final int CHUNK_BYTES = 64 * 1024;
  private static final int SENT_BYTES_BEFORE_KILL = 4 * CHUNK_BYTES;
  private static final long WAIT_SECONDS = 30;

  private final List<RegistryProcess> processes = new ArrayList<>();
  private boolean databaseCreated;

  @AfterEach
  void stopProcessesAndDropDatabase() throws InterruptedException {
    for (RegistryProcess process : processes) {
      process.close();
    }
    if (databaseCreated) {
      RegistryStoreResource.runOnServer("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    }
  }

  @Test
  void registerVersion_processKilledMidUploadOnH2_leavesNoVersionFileOrEvent() throws Exception {
    killMidUploadAndRestart(freshDirectory("h2"), "");
  }

  @Test
  void registerVersion_processKilledMidUploadOnPostgres_leavesNoVersionFileOrEvent()
      throws Exception {
    RegistryStoreResource.runOnServer("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    RegistryStoreResource.runOnServer("CREATE DATABASE " + DATABASE);
    databaseCreated = true;

    killMidUploadAndRestart(freshDirectory("postgres"),
        RegistryStoreResource.SERVER_URL + DATABASE);
  }

  private void killMidUploadAndRestart(Path workDir, String jdbcUrl) throws Exception {
    Path dataDir = workDir.resolve("data");
    byte[] firstVersion = Files.readAllBytes(carriedFile("breast_cancer.csv"));
    byte[] killedArtifact = Files.readAllBytes(carriedFile("flights-20k.csv"));
    RegistryProcess first = start(dataDir, jdbcUrl, workDir.resolve("registry-1.log"));
    register(first.asyncStub(), EXISTING_MODEL, firstVersion);

    killDuringUploads(first, dataDir.resolve("tmp"), killedArtifact);
    leaveFileOfUncommittedVersion(dataDir.resolve("artifacts"), killedArtifact);

    RegistryProcess second = start(dataDir, jdbcUrl, workDir.resolve("registry-2.log"));
    assertOnlyFirstVersionVisible(second.blockingStub());
    assertEquals(Map.of(ALIAS, 1L), second.blockingStub()
        .getModel(GetModelRequest.newBuilder().setName(EXISTING_MODEL).build()).getAliasesMap());
    assertEquals(List.of(), fileNames(dataDir.resolve("tmp")));
    assertEquals(List.of(sha256(firstVersion)), fileNames(dataDir.resolve("artifacts")));
    long headRevision = revisionOfAcknowledgedChanges(second.asyncStub());
    assertNextRegistrationsNumberedAsIfNothingStarted(second, headRevision, killedArtifact);
  }

  /**
   * Starts the two uploads, waits until the registry has written their first bytes, has it
   * acknowledge an alias change, and kills it at once.
   */
  private static void killDuringUploads(RegistryProcess registry, Path tempDir, byte[] artifact)
      throws Exception {
    List<CompletableFuture<ModelVersion>> halfSent = List.of(
        startHalfUpload(registry.asyncStub(), NEW_MODEL, artifact),
        startHalfUpload(registry.asyncStub(), EXISTING_MODEL, artifact));
    awaitUploadFiles(tempDir, halfSent.size());
    assertOnlyFirstVersionVisible(registry.blockingStub());
    registry.blockingStub().setAlias(setAlias(EXISTING_MODEL, ALIAS, 1));

    registry.kill();

    assertUnavailable(halfSent);
  }

  /**
   * Puts a verified upload's file in place as a kill between moving it there and committing its
   * version leaves it: that window is too short to hit with a signal sent from outside.
   */
  private static void leaveFileOfUncommittedVersion(Path artifactDir, byte[] bytes)
      throws IOException {
    Files.write(artifactDir.resolve(sha256(bytes)), bytes);
  }

  private static void assertNextRegistrationsNumberedAsIfNothingStarted(RegistryProcess registry,
      long headRevision, byte[] artifact) throws Exception {
    WatchRecorder watcher = WatchRecorder.watch(registry.asyncStub(), "", headRevision);
    try {
      watcher.assertNothingMore();

      assertEquals(1, register(registry.asyncStub(), NEW_MODEL, artifact).getVersion());
      assertEquals(2, register(registry.asyncStub(), EXISTING_MODEL, artifact).getVersion());

      List<RegistryEvent> events = watcher.next(3);
      assertEvent(headRevision + 1, Kind.MODEL_CREATED, NEW_MODEL, 0, events.get(0));
      assertEvent(headRevision + 2, Kind.VERSION_CREATED, NEW_MODEL, 1, events.get(1));
      assertEvent(headRevision + 3, Kind.VERSION_CREATED, EXISTING_MODEL, 2, events.get(2));
      watcher.assertNothingMore();
    } finally {
      watcher.cancel();
    }
    assertArrayEquals(artifact, download(registry.blockingStub(), EXISTING_MODEL, 2));
  }

  /** Exactly what was committed: the existing model with its version 1. */
  private static void assertOnlyFirstVersionVisible(RegistryGrpc.RegistryBlockingStub registry) {
    List<Model> models = registry.listModels(ListModelsRequest.getDefaultInstance())
        .getModelsList();
    assertEquals(List.of(EXISTING_MODEL), models.stream().map(Model::getName).toList());
    assertEquals(1, models.get(0).getLatestVersion());
    assertEquals(List.of(1L), registry.listVersions(listVersions(EXISTING_MODEL))
        .getVersionsList().stream().map(ModelVersion::getVersion).toList());
    assertStatus(Status.Code.NOT_FOUND, "model '" + EXISTING_MODEL + "' has no version 2",
        () -> registry.getVersion(byNumber(EXISTING_MODEL, 2)));
    assertStatus(Status.Code.NOT_FOUND, "model '" + NEW_MODEL + "' not found",
        () -> registry.getModel(GetModelRequest.newBuilder().setName(NEW_MODEL).build()));
  }

  /**
   * Reads the whole history from revision 0: exactly the changes acknowledged before the kill
   * (the existing model's creation, its version 1, the alias set last). Returns the revision
   * of the alias change.
   */
  private static long revisionOfAcknowledgedChanges(RegistryGrpc.RegistryStub registry)
      throws InterruptedException {
    WatchRecorder watcher = WatchRecorder.watch(registry, "", 0);
    try {
      List<RegistryEvent> history = watcher.next(3);
      watcher.assertNothingMore();

      long created = history.get(0).getRevision();
      assertEvent(created, Kind.MODEL_CREATED, EXISTING_MODEL, 0, history.get(0));
      assertEvent(created + 1, Kind.VERSION_CREATED, EXISTING_MODEL, 1, history.get(1));
      assertEvent(created + 2, Kind.ALIAS_SET, EXISTING_MODEL, 1, history.get(2));
      return created + 2;
    } finally {
      watcher.cancel();
    }
  }

  /** Sends the header and the first chunks of {@code bytes}, and neither the rest nor the end. */
  private static CompletableFuture<ModelVersion> startHalfUpload(
      RegistryGrpc.RegistryStub registry, String model, byte[] bytes) {
    CompletableFuture<ModelVersion> result = new CompletableFuture<>();
    StreamObserver<RegisterVersionChunk> requests = registry
        .withDeadlineAfter(CALL_TIMEOUT_SECONDS * 4, TimeUnit.SECONDS)
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
    requests.onNext(headerChunk(header(model, bytes)));
    chunks(bytes, SENT_BYTES_BEFORE_KILL).forEach(requests::onNext);
    return result;
  }

  /** Waits until the registry has written the sent bytes of every upload to its temp files. */
  private static void awaitUploadFiles(Path tempDir, int uploads) throws Exception {
    long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    List<Long> sizes = List.of();
    while (System.nanoTime() < deadlineNanos) {
      sizes = fileSizes(tempDir);
      if (sizes.size() == uploads
          && sizes.stream().allMatch(size -> size == SENT_BYTES_BEFORE_KILL)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("upload files after " + WAIT_SECONDS + " s: " + sizes);
  }

  private static void assertUnavailable(List<CompletableFuture<ModelVersion>> uploads) {
    for (CompletableFuture<ModelVersion> upload : uploads) {
      ExecutionException failure = assertThrows(ExecutionException.class,
          () -> upload.get(WAIT_SECONDS, TimeUnit.SECONDS));
      Status status = ((StatusRuntimeException) failure.getCause()).getStatus();
      assertEquals(Status.Code.UNAVAILABLE, status.getCode(), status::toString);
    }
  }

  private static ModelVersion register(RegistryGrpc.RegistryStub registry, String model,
      byte[] bytes) throws Exception {
    List<RegisterVersionChunk> chunks = new ArrayList<>();
    chunks.add(headerChunk(header(model, bytes)));
    chunks.addAll(chunks(bytes, bytes.length));
    return upload(registry, chunks).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** The first {@code byteCount} bytes as data chunks. */
  private static List<RegisterVersionChunk> chunks(byte[] bytes, int byteCount) {
    List<RegisterVersionChunk> chunks = new ArrayList<>();
    for (int offset = 0; offset < byteCount; offset += CHUNK_BYTES) {
      int length = Math.min(CHUNK_BYTES, byteCount - offset);
      chunks.add(RegisterVersionChunk.newBuilder()
          .setData(ByteString.copyFrom(bytes, offset, length)).build());
    }
    return chunks;
  }

  private static byte[] download(RegistryGrpc.RegistryBlockingStub registry, String model,
      long version) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    Iterator<ArtifactChunk> chunks = registry.downloadArtifact(byNumber(model, version));
    while (chunks.hasNext()) {
      chunks.next().getData().writeTo(received);
    }
    return received.toByteArray();
  }

  private static void assertEvent(long revision, Kind kind, String model, long version,
      RegistryEvent event) {
    assertEquals(revision, event.getRevision(), event::toString);
    assertEquals(kind, event.getKind(), event::toString);
    assertEquals(model, event.getModel(), event::toString);
    assertEquals(version, event.getVersion(), event::toString);
  }

  private RegistryProcess start(Path dataDir, String jdbcUrl, Path logFile) throws Exception {
    RegistryProcess process = RegistryProcess.start(jar(), dataDir, jdbcUrl, logFile);
    processes.add(process);
    return process;
  }

  private static Path jar() {
    Path jar = Path.of(System.getProperty("mlmesh.registry.jar",
        "target/quarkus-app/quarkus-run.jar"));
    assertTrue(Files.isRegularFile(jar), "package registry-svc first: " + jar);
    return jar;
  }

  private static Path carriedFile(String name) {
    return Path.of(System.getProperty("mlmesh.data.dir", "../data")).resolve(name);
  }

  /** {@code <mlmesh.it.dir>/<name>}, emptied. */
  private static Path freshDirectory(String name) throws IOException {
    Path directory = Path.of(System.getProperty("mlmesh.it.dir", "target/process-it"))
        .toAbsolutePath().resolve(name);
    if (Files.exists(directory)) {
      try (Stream<Path> files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
    return Files.createDirectories(directory);
  }

  private static List<String> fileNames(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  private static List<Long> fileSizes(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<Long> sizes = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        sizes.add(Files.size(file));
      }
    }
    return sizes;
  }
}
