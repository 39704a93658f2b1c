package io.mlmesh.registry.store;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An artifact's identity: its SHA-256 (64 lower-case hex digits), size and format label.
 *
 * @param sha256 lower-case hex digest of the bytes
 * @param sizeBytes length of the bytes
 * @param format free label such as {@code xgboost-bundle}; may be empty
 */
public record Artifact(String sha256, long sizeBytes, String format) {

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  /**
   * Validates a declared artifact, naming {@code field} in errors; the digest may be upper case.
   */
  public static Artifact declared(String field, String sha256, long sizeBytes, String format) {
    String digest = sha256.toLowerCase(Locale.ROOT);
    if (!SHA256_HEX.matcher(digest).matches()) {
      throw RegistryException.invalid(String.format(
          "%s.sha256: must be 64 hexadecimal digits, got '%s'", field, sha256));
    }
    if (sizeBytes < 0) {
      throw RegistryException.invalid(String.format(
          "%s.size_bytes: must be >= 0, got %d", field, sizeBytes));
    }
    return new Artifact(digest, sizeBytes, format);
  }
}
