package io.mlmesh.registry.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One artifact being received into a temp file while its SHA-256 is computed.
 *
 * <p>Rejects bytes past the declared size at once, so a wrong or hostile client cannot fill the
 * disk. Not thread-safe: one upload belongs to one gRPC call, whose callbacks run in order.
 */
public final class ArtifactUpload {

  private final Path tempFile;
  private final Artifact declared;
  private final FileChannel channel;
  private final MessageDigest digest;
  private long receivedBytes;

  ArtifactUpload(Path tempFile, Artifact declared) throws IOException {
    this.tempFile = tempFile;
    this.declared = declared;
    this.channel = FileChannel.open(tempFile, StandardOpenOption.WRITE);
    this.digest = sha256();
  }

  /**
   * Appends bytes.
   *
   * @throws RegistryException INVALID_ARGUMENT when they exceed the declared size
   */
  public void write(ByteBuffer bytes) {
    receivedBytes += bytes.remaining();
    if (receivedBytes > declared.sizeBytes()) {
      throw RegistryException.invalid(String.format(
          "artifact.size_bytes: declared %d, received more", declared.sizeBytes()));
    }
    digest.update(bytes.duplicate());
    try {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("artifact store: cannot write " + tempFile, e);
    }
  }

  /**
   * Flushes the file to disk and checks size and digest against the declaration.
   *
   * @return the verified artifact
   * @throws RegistryException INVALID_ARGUMENT naming declared and actual size or digest
   */
  public Artifact finish() {
    try {
      channel.force(true);
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("artifact store: cannot flush " + tempFile, e);
    }
    if (receivedBytes != declared.sizeBytes()) {
      throw RegistryException.invalid(String.format(
          "artifact.size_bytes: declared %d, received %d", declared.sizeBytes(), receivedBytes));
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (!actual.equals(declared.sha256())) {
      throw RegistryException.invalid(String.format(
          "artifact.sha256: declared %s, actual %s", declared.sha256(), actual));
    }
    return declared;
  }

  /** Drops the upload and its temp file; safe to call more than once. */
  public void abort() {
    try {
      channel.close();
      Files.deleteIfExists(tempFile);
    } catch (IOException e) {
      throw new UncheckedIOException("artifact store: cannot delete " + tempFile, e);
    }
  }

  Path tempFile() {
    return tempFile;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }
}
