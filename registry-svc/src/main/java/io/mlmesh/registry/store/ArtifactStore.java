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
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Artifact files, content-addressed: {@code <data-dir>/artifacts/<sha256>}.
 *
 * <p>Uploads are written to {@code <data-dir>/tmp} and renamed into place only after their size
 * and digest were checked, so a crash mid-upload leaves nothing but a temp file, which the next
 * start removes. Equal bytes share one file; a rename over an existing file replaces it with the
 * same content, which readers holding the old file do not notice.
 *
 * <p>Files of deleted versions are removed only when no version references them any more. The
 * check and the removal run under the write side of a read-write lock whose read side is held
 * by work that needs files to stay put: a registration between storing its file and committing
 * its version row (it may reuse a file about to be judged unreferenced), and a backup while it
 * copies. This covers one registry process, which is the supported deployment.
 *
 * <p>Thread-safe.
 */
@Singleton
public class ArtifactStore {

  private static final Logger LOG = Logger.getLogger(ArtifactStore.class);

  private final Path artifactsDir;
  private final Path tempDir;
  private final ReadWriteLock pins = new ReentrantReadWriteLock();

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
      throw missing(sha256, e);
    } catch (IOException e) {
      throw new UncheckedIOException("artifact store: cannot read " + sha256, e);
    }
  }

  private static RegistryException missing(String sha256, NoSuchFileException cause) {
    return new RegistryException(RegistryException.Reason.ARTIFACT_MISSING,
        "artifact " + sha256 + " is missing from the artifact store", cause);
  }

  /** Runs {@code work} while no artifact file can be deleted. */
  public <T> T whilePinned(Supplier<T> work) {
    pins.readLock().lock();
    try {
      return work.get();
    } finally {
      pins.readLock().unlock();
    }
  }

  /**
   * Deletes the files among {@code sha256s} that {@code isReferenced} says no version uses.
   *
   * @return the number of files deleted
   */
  public int deleteUnreferenced(Collection<String> sha256s, Predicate<String> isReferenced) {
    pins.writeLock().lock();
    try {
      int deleted = 0;
      for (String sha256 : sha256s) {
        if (!isReferenced.test(sha256) && Files.deleteIfExists(pathOf(sha256))) {
          LOG.infof("artifact deleted sha256=%s", sha256);
          deleted++;
        }
      }
      return deleted;
    } catch (IOException e) {
      throw new UncheckedIOException("artifact store: cannot delete an artifact", e);
    } finally {
      pins.writeLock().unlock();
    }
  }

  /**
   * Copies a stored artifact to {@code target}.
   *
   * @throws RegistryException ARTIFACT_MISSING when its file is gone
   */
  public void copyOut(String sha256, Path target) {
    try {
      Files.copy(pathOf(sha256), target);
    } catch (NoSuchFileException e) {
      throw missing(sha256, e);
    } catch (IOException e) {
      throw new UncheckedIOException("artifact store: cannot copy " + sha256, e);
    }
  }

  /** Stores a file already verified to hold the bytes of {@code sha256}, atomically. */
  public void copyIn(Path source, String sha256) {
    try {
      Path temp = Files.createTempFile(tempDir, "restore-", ".part");
      Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(temp, pathOf(sha256), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("artifact store: cannot store " + sha256, e);
    }
  }

  /** The digests of every stored artifact file, sorted. */
  public List<String> storedSha256s() {
    try (Stream<Path> files = Files.list(artifactsDir)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("artifact store: cannot list " + artifactsDir, e);
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
