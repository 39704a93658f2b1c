package io.mlmesh.registry.store;

import io.mlmesh.registry.config.RegistryConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jboss.logging.Logger;

/**
 * Artifact files, content-addressed: {@code <data-dir>/artifacts/<sha256>}.
 *
 * <p>Uploads are written to {@code <data-dir>/tmp} and renamed into place only after their size
 * and digest were checked, so a crash mid-upload leaves nothing but a temp file, which the next
 * start removes. Equal bytes share one file; a rename over an existing file replaces it with the
 * same content, which readers holding the old file do not notice.
 *
 * <p>Thread-safe.
 */
@Singleton
public class ArtifactStore {

  private static final Logger LOG = Logger.getLogger(ArtifactStore.class);

  private final Path artifactsDir;
  private final Path tempDir;

  @Inject
  ArtifactStore(RegistryConfig config) {
    this(config.dataDir());
  }

  /** Opens the store under {@code dataDir}, creating its folders and removing stale uploads. */
  public ArtifactStore(Path dataDir) {
    this.artifactsDir = dataDir.resolve("artifacts");
    this.tempDir = dataDir.resolve("tmp");
    try {
      Files.createDirectories(artifactsDir);
      Files.createDirectories(tempDir);
      int removed = removeStaleUploads();
      LOG.infof("artifact store ready dir=%s stale_uploads_removed=%d",
          artifactsDir.toAbsolutePath(), removed);
    } catch (IOException e) {
      throw new UncheckedIOException("artifact store: cannot prepare " + dataDir, e);
    }
  }

  /** Starts an upload that must end with exactly the {@code declared} bytes. */
  public ArtifactUpload beginUpload(Artifact declared) {
    try {
      return new ArtifactUpload(Files.createTempFile(tempDir, "upload-", ".part"), declared);
    } catch (IOException e) {
      throw new UncheckedIOException("artifact store: cannot create an upload file", e);
    }
  }

  /** Moves a verified upload to its content address, atomically. */
  public void commit(ArtifactUpload upload, Artifact verified) {
    try {
      Files.move(upload.tempFile(), pathOf(verified.sha256()), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("artifact store: cannot store " + verified.sha256(), e);
    }
  }

  /**
   * Opens an artifact for reading.
   *
   * @throws RegistryException ARTIFACT_MISSING when its file is gone
   */
  public InputStream open(String sha256) {
    try {
      return Files.newInputStream(pathOf(sha256));
    } catch (NoSuchFileException e) {
      throw new RegistryException(RegistryException.Reason.ARTIFACT_MISSING,
          "artifact " + sha256 + " is missing from the artifact store", e);
    } catch (IOException e) {
      throw new UncheckedIOException("artifact store: cannot read " + sha256, e);
    }
  }

  /** Files of uploads in progress or left by a crash. */
  Path tempDir() {
    return tempDir;
  }

  private Path pathOf(String sha256) {
    return artifactsDir.resolve(sha256);
  }

  private int removeStaleUploads() throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(tempDir)) {
      for (Path file : stale) {
        Files.deleteIfExists(file);
        removed++;
      }
    }
    return removed;
  }
}
