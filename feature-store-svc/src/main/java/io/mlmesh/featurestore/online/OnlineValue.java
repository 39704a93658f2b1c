package io.mlmesh.featurestore.online;

import java.nio.ByteBuffer;

/**
 * One entity's feature values of one view version, as of {@code eventTimeMicros}.
 *
 * <p>Packed form ({@link #pack()}): the event time in microseconds since the epoch (UTC) as a
 * big-endian signed 64-bit integer, then each value as the 8 big-endian bytes of
 * {@link Double#doubleToLongBits}, in the view's feature order; NaN marks a missing value. The
 * event time comes first so that a Redis script can compare it without knowing the view.
 *
 * @param values the feature values; the record shares the array, so callers must not change it
 */
public record OnlineValue(long eventTimeMicros, double[] values) {

  /** The packed bytes described above. */
  public byte[] pack() {
    ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES * (1 + values.length));
    buffer.putLong(eventTimeMicros);
    for (double value : values) {
      buffer.putLong(Double.doubleToLongBits(value));
    }
    return buffer.array();
  }

  /** Reads bytes written by {@link #pack()}. */
  public static OnlineValue unpack(byte[] packed) {
    if (packed.length < Long.BYTES || packed.length % Long.BYTES != 0) {
      throw new IllegalArgumentException("a packed online value has 8 + 8n bytes, got "
          + packed.length);
    }
    ByteBuffer buffer = ByteBuffer.wrap(packed);
    long eventTimeMicros = buffer.getLong();
    double[] values = new double[packed.length / Long.BYTES - 1];
    for (int i = 0; i < values.length; i++) {
      values[i] = buffer.getDouble();
    }
    return new OnlineValue(eventTimeMicros, values);
  }
}
