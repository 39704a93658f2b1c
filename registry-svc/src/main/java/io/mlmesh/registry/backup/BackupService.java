package io.mlmesh.registry.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.mlmesh.registry.store.ArtifactStore;
import io.mlmesh.registry.store.RegistryException;
import io.mlmesh.registry.store.RegistrySnapshot;
import io.mlmesh.registry.store.RegistrySnapshot.VersionRow;
import io.mlmesh.registry.store.SnapshotStore;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Writes and restores registry backups: {@code metadata.json}, {@code artifacts/<sha256>} and
 * {@code manifest.json}.
 *
 * <p>A backup takes its metadata snapshot in one transaction (see {@link SnapshotStore}), then
 * copies the artifacts it references while artifact deletion is held off, so the files match
 * the snapshot although the registry keeps serving. Each copy is hashed as it is written and
 * must match its address. The manifest is written last, by an atomic rename: a directory without
 * one is an incomplete backup and restore refuses it.
 *
 * <p>A restore verifies the metadata digest and every artifact's size and digest before writing
 * anything, then stores the artifacts, then the metadata in one transaction; a registry that is
 * not empty is refused before and again inside that transaction.
 *
 * <p>Thread-safe.
 */
@Singleton
public class BackupService {

  static final String MANIFEST = "manifest.json";
  static final String METADATA = "metadata.json";
  static final String ARTIFACTS = "artifacts";

  private static final Logger LOG = Logger.getLogger(BackupService.class);
  private static final ObjectMapper JSON = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  private final SnapshotStore snapshots;
  private final ArtifactStore artifacts;

  public BackupService(SnapshotStore snapshots, ArtifactStore artifacts) {
    this.snapshots = snapshots;
    this.artifacts = artifacts;
  }

  /**
   * Writes a backup of the whole registry into {@code directory}.
   *
   * @throws RegistryException INVALID_ARGUMENT for a relative path, PRECONDITION_FAILED when
   *     the directory exists and is not empty, DATA_LOSS when a stored artifact is damaged
   */
  public BackupSummary backup(Path directory) {
    requireAbsolute(directory);
    requireEmptyDirectory(directory);

    return io(() -> {
      Path artifactDir = Files.createDirectories(directory.resolve(ARTIFACTS));
      Snapshotted snapshotted = artifacts.whilePinned(() -> snapshotAndCopy(artifactDir));
      byte[] metadata = JSON.writeValueAsBytes(snapshotted.snapshot());
      Files.write(directory.resolve(METADATA), metadata);
      Manifest manifest = new Manifest(Manifest.FORMAT_VERSION,
          snapshotted.snapshot().revision(), Instant.now(), sha256(metadata),
          snapshotted.entries());
      writeAtomically(directory.resolve(MANIFEST), JSON.writeValueAsBytes(manifest));
      BackupSummary summary = summarise(snapshotted.snapshot(), manifest);
      LOG.infof("backup written dir=%s revision=%d models=%d versions=%d artifacts=%d",
          directory, summary.revision(), summary.modelCount(), summary.versionCount(),
          summary.artifactCount());
      return summary;
    });
  }

  /**
   * Restores the backup in {@code directory} into this registry, which must be empty.
   *
   * @throws RegistryException INVALID_ARGUMENT for a relative path or a directory without a
   *     manifest, PRECONDITION_FAILED when the registry is not empty, DATA_LOSS when a file of
   *     the backup does not match the manifest
   */
  public BackupSummary restore(Path directory) {
    requireAbsolute(directory);
    Path manifestFile = directory.resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      throw RegistryException.invalid(String.format("directory: '%s' holds no %s (not a"
          + " backup, or an incomplete one)", directory, MANIFEST));
    }
    snapshots.requireEmpty();

    return io(() -> {
      Manifest manifest = JSON.readValue(manifestFile.toFile(), Manifest.class);
      RegistrySnapshot snapshot = verifiedSnapshot(directory, manifest);
      verifyArtifacts(directory.resolve(ARTIFACTS), manifest.artifacts());
      for (Manifest.Entry entry : manifest.artifacts()) {
        artifacts.copyIn(directory.resolve(ARTIFACTS).resolve(entry.sha256()), entry.sha256());
      }
      snapshots.restore(snapshot);
      BackupSummary summary = summarise(snapshot, manifest);
      LOG.infof("backup restored dir=%s revision=%d models=%d versions=%d artifacts=%d",
          directory, summary.revision(), summary.modelCount(), summary.versionCount(),
          summary.artifactCount());
      return summary;
    });
  }

  /** The snapshot and the manifest entries of the artifacts copied for it. */
  private record Snapshotted(RegistrySnapshot snapshot, List<Manifest.Entry> entries) {}

  private Snapshotted snapshotAndCopy(Path artifactDir) {
    RegistrySnapshot snapshot = snapshots.take();
    List<Manifest.Entry> entries = distinctArtifacts(snapshot).stream()
        .map(sha256 -> copyVerified(sha256, artifactDir.resolve(sha256)))
        .toList();
    return new Snapshotted(snapshot, entries);
  }

  private Manifest.Entry copyVerified(String sha256, Path target) {
    artifacts.copyOut(sha256, target);
    String actual = io(() -> sha256(target));
    if (!actual.equals(sha256)) {
      throw new RegistryException(RegistryException.Reason.BACKUP_CORRUPT, String.format(
          "artifact store: file %s holds bytes with SHA-256 %s", sha256, actual));
    }
    return new Manifest.Entry(sha256, io(() -> Files.size(target)));
  }

  private static RegistrySnapshot verifiedSnapshot(Path directory, Manifest manifest)
      throws IOException {
    Path metadataFile = directory.resolve(METADATA);
    if (!Files.isRegularFile(metadataFile)) {
      throw corrupt(METADATA + ": file missing from the backup");
    }
    byte[] metadata = Files.readAllBytes(metadataFile);
    String actual = sha256(metadata);
    if (!actual.equals(manifest.metadataSha256())) {
      throw corrupt(String.format("%s: manifest says SHA-256 %s, file has %s",
          METADATA, manifest.metadataSha256(), actual));
    }
    RegistrySnapshot snapshot = JSON.readValue(metadata, RegistrySnapshot.class);
    Map<String, Manifest.Entry> listed = manifest.artifacts().stream()
        .collect(Collectors.toMap(Manifest.Entry::sha256, Function.identity()));
    for (VersionRow version : snapshot.versions()) {
      if (!listed.containsKey(version.artifact().sha256())) {
        throw corrupt(String.format("%s: version %d of model '%s' needs artifact %s, which"
            + " the manifest does not list", METADATA, version.version(), version.model(),
            version.artifact().sha256()));
      }
    }
    return snapshot;
  }

  private static void verifyArtifacts(Path artifactDir, List<Manifest.Entry> entries)
      throws IOException {
    for (Manifest.Entry entry : entries) {
      Path file = artifactDir.resolve(entry.sha256());
      if (!Files.isRegularFile(file)) {
        throw corrupt("artifact " + entry.sha256() + ": file missing from the backup");
      }
      long sizeBytes = Files.size(file);
      String actual = sha256(file);
      if (sizeBytes != entry.sizeBytes() || !actual.equals(entry.sha256())) {
        throw corrupt(String.format("artifact %s: manifest says %d bytes, file has %d bytes"
            + " with SHA-256 %s", entry.sha256(), entry.sizeBytes(), sizeBytes, actual));
      }
    }
  }

  private static Set<String> distinctArtifacts(RegistrySnapshot snapshot) {
    return snapshot.versions().stream()
        .map(version -> version.artifact().sha256())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static BackupSummary summarise(RegistrySnapshot snapshot, Manifest manifest) {
    long artifactBytes = manifest.artifacts().stream().mapToLong(Manifest.Entry::sizeBytes).sum();
    return new BackupSummary(snapshot.revision(), snapshot.models().size(),
        snapshot.versions().size(), manifest.artifacts().size(), artifactBytes);
  }

  private static void requireAbsolute(Path directory) {
    if (!directory.isAbsolute()) {
      throw RegistryException.invalid(
          "directory: must be an absolute path on the registry's host, got '" + directory + "'");
    }
  }

  private static void requireEmptyDirectory(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    boolean empty = io(() -> {
      if (!Files.isDirectory(directory)) {
        return false;
      }
      try (Stream<Path> entries = Files.list(directory)) {
        return entries.findAny().isEmpty();
      }
    });
    if (!empty) {
      throw RegistryException.precondition(
          "directory: '" + directory + "' exists and is not an empty directory");
    }
  }

  private static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".part");
    Files.write(temp, bytes);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  private static RegistryException corrupt(String message) {
    return new RegistryException(RegistryException.Reason.BACKUP_CORRUPT, "backup " + message);
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest = newDigest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }

  /** File work that may fail with an {@link IOException}. */
  @FunctionalInterface
  private interface IoWork<T> {
    T run() throws IOException;
  }

  private static <T> T io(IoWork<T> work) {
    try {
      return work.run();
    } catch (IOException e) {
      throw new UncheckedIOException("backup: " + e.getMessage(), e);
    }
  }
}
