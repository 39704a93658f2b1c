package io.mlmesh.featurestore.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OnlineValueTest {

  @Test
  void pack_threeValues_eventTimeFirstThenBigEndianDoubles() {
    OnlineValue value = new OnlineValue(1L, new double[] {1.0, Double.NaN, -2.5});

    byte[] packed = value.pack();

    assertEquals(32, packed.length);
    assertEquals(1, packed[7]);
    assertEquals(0x3f, packed[8] & 0xff);
    assertEquals(0x7f, packed[16] & 0xff);
  }

  @Test
  void unpack_packedValue_sameEventTimeAndValuesIncludingNaN() {
    OnlineValue value = new OnlineValue(-86_400_000_000L, new double[] {Double.NaN, 7.25});

    OnlineValue read = OnlineValue.unpack(value.pack());

    assertEquals(value.eventTimeMicros(), read.eventTimeMicros());
    assertArrayEquals(value.values(), read.values());
  }

  @Test
  void unpack_truncatedBytes_rejectedWithLength() {
    IllegalArgumentException failure =
        assertThrows(IllegalArgumentException.class, () -> OnlineValue.unpack(new byte[12]));

    assertEquals("a packed online value has 8 + 8n bytes, got 12", failure.getMessage());
  }
}
