package io.mlmesh.featurestore.offline;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 over training rows in a canonical encoding, so that two streams hash alike exactly
 * when they carry the same values in the same order.
 *
 * <p>Rows are fed in stream order and, within a row, values in header column order, with nothing
 * between values or rows and no header: a DOUBLE, INT64 or BOOL value (all sent as doubles) is
 * the 8 bytes, big-endian, of {@link Double#doubleToLongBits} (so every NaN is the same
 * {@code 0x7ff8000000000000}); a TIMESTAMP is its microseconds since the epoch as a big-endian
 * signed 64-bit integer; a STRING is the length of its UTF-8 bytes as a big-endian signed 32-bit
 * integer followed by those bytes (a missing string is the empty string: length 0). The digest is
 * written as 64 lower-case hex digits. Not thread-safe: one instance per stream.
 */
final class RowHasher {

  private static final int BUFFER_BYTES = 1 << 16;

  private final MessageDigest digest;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);

  RowHasher() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  void addDouble(double value) {
    ensureRoom(Long.BYTES);
    buffer.putLong(Double.doubleToLongBits(value));
  }

  void addMicros(long micros) {
    ensureRoom(Long.BYTES);
    buffer.putLong(micros);
  }

  void addString(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    ensureRoom(Integer.BYTES);
    buffer.putInt(bytes.length);
    flush();
    digest.update(bytes);
  }

  /** The hex digest of everything added; call once, at the end. */
  String hexDigest() {
    flush();
    return HexFormat.of().formatHex(digest.digest());
  }

  private void ensureRoom(int bytes) {
    if (buffer.remaining() < bytes) {
      flush();
    }
  }

  private void flush() {
    digest.update(buffer.array(), 0, buffer.position());
    buffer.clear();
  }
}
