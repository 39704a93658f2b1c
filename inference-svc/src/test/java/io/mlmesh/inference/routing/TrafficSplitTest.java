package io.mlmesh.inference.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficSplitTest {

    private static final int KEYS = 100_000;

    @Test
    void pick_manyKeys_sharesFollowWeights() {
        TrafficSplit split = new TrafficSplit(List.of(70L, 20L, 10L));
        int[] counts = new int[3];

        for (int i = 0; i < KEYS; i++) {
            counts[split.pick("customer-" + i)]++;
        }

        assertShare(0.7, counts[0]);
        assertShare(0.2, counts[1]);
        assertShare(0.1, counts[2]);
    }

    @Test
    void pick_sameKeyAnotherInstance_sameVariant() {
        TrafficSplit first = new TrafficSplit(List.of(50L, 50L));
        TrafficSplit second = new TrafficSplit(List.of(50L, 50L));

        for (int i = 0; i < 1000; i++) {
            String key = "order-" + i;
            int picked = first.pick(key);
            assertEquals(picked, first.pick(key));
            assertEquals(picked, second.pick(key));
        }
    }

    @Test
    void pick_zeroWeightVariants_neverPicked() {
        TrafficSplit split = new TrafficSplit(List.of(0L, 3L, 0L, 1L, 0L));
        int[] counts = new int[5];

        for (int i = 0; i < 20_000; i++) {
            counts[split.pick("k" + i)]++;
            counts[split.pick("")]++;
        }

        assertEquals(0, counts[0] + counts[2] + counts[4]);
        assertTrue(Math.abs(counts[1] / 40_000.0 - 0.75) < 0.02, "share " + counts[1]);
    }

    @Test
    void hash_documentedFunction_isMurmur3FirstLongOfUtf8() {
        assertEquals(com.google.common.hash.Hashing.murmur3_128(0)
                .hashBytes("é-key".getBytes(java.nio.charset.StandardCharsets.UTF_8)).asLong(),
                TrafficSplit.hash("é-key"));
    }

    private static void assertShare(double expected, int count) {
        double share = count / (double) KEYS;
        assertTrue(Math.abs(share - expected) < 0.01, "share " + share + " for " + expected);
    }
}
