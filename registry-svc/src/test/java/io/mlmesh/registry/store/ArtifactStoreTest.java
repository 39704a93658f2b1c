package io.mlmesh.registry.store;

import static io.mlmesh.registry.TestDigests.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {

  @TempDir
  Path dataDir;

  @Test
  void constructor_staleUploadFile_removesIt() throws IOException {
    Path stale = Files.createDirectories(dataDir.resolve("tmp")).resolve("upload-1.part");
    Files.write(stale, new byte[] {1, 2, 3});

    new ArtifactStore(dataDir);

    assertFalse(Files.exists(stale));
  }

  @Test
  void commit_verifiedUpload_readableAtContentAddress() throws Exception {
    ArtifactStore store = new ArtifactStore(dataDir);
    byte[] bytes = "weights".getBytes();
    ArtifactUpload upload = store.beginUpload(declared(bytes));
    upload.write(ByteBuffer.wrap(bytes));

    store.commit(upload, upload.finish());

    try (InputStream stored = store.open(sha256(bytes))) {
      assertArrayEquals(bytes, stored.readAllBytes());
    }
    assertEquals(List.of(), tempFiles(store));
  }

  @Test
  void deleteUnreferenced_everyStoredFile_removesOnlyUnreferenced() throws Exception {
    ArtifactStore store = new ArtifactStore(dataDir);
    byte[] kept = "kept".getBytes();
    byte[] orphan = "orphan".getBytes();
    for (byte[] bytes : List.of(kept, orphan)) {
      ArtifactUpload upload = store.beginUpload(declared(bytes));
      upload.write(ByteBuffer.wrap(bytes));
      store.commit(upload, upload.finish());
    }

    int removed = store.deleteUnreferenced(store.storedSha256s(), sha256(kept)::equals);

    assertEquals(1, removed);
    assertEquals(List.of(sha256(kept)), store.storedSha256s());
  }

  @Test
  void finish_wrongDigest_failsNamingDeclaredAndActual() throws Exception {
    ArtifactStore store = new ArtifactStore(dataDir);
    byte[] declaredBytes = "aaaa".getBytes();
    byte[] sentBytes = "bbbb".getBytes();
    ArtifactUpload upload = store.beginUpload(declared(declaredBytes));
    upload.write(ByteBuffer.wrap(sentBytes));

    RegistryException failure = assertThrows(RegistryException.class, upload::finish);

    assertEquals(RegistryException.Reason.INVALID_ARGUMENT, failure.reason());
    assertEquals("artifact.sha256: declared " + sha256(declaredBytes) + ", actual "
        + sha256(sentBytes), failure.getMessage());
    upload.abort();
    assertEquals(List.of(), tempFiles(store));
  }

  @Test
  void write_pastDeclaredSize_failsAtOnce() {
    ArtifactStore store = new ArtifactStore(dataDir);
    ArtifactUpload upload = store.beginUpload(declared(new byte[2]));

    RegistryException failure = assertThrows(RegistryException.class,
        () -> upload.write(ByteBuffer.wrap(new byte[3])));

    assertEquals("artifact.size_bytes: declared 2, received more", failure.getMessage());
  }

  @Test
  void open_missingFile_failsArtifactMissing() {
    ArtifactStore store = new ArtifactStore(dataDir);

    RegistryException failure =
        assertThrows(RegistryException.class, () -> store.open("0".repeat(64)));

    assertEquals(RegistryException.Reason.ARTIFACT_MISSING, failure.reason());
  }

  private static List<Path> tempFiles(ArtifactStore store) throws IOException {
    try (Stream<Path> files = Files.list(store.tempDir())) {
      return files.toList();
    }
  }

  private static Artifact declared(byte[] bytes) {
    return Artifact.declared("artifact", sha256(bytes), bytes.length, "test");
  }

}
