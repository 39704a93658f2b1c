package io.mlmesh.inference.routing;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a variant by weight, the same one for the same routing key.
 *
 * <p>The key is hashed with 128-bit MurmurHash3 (Guava's {@code murmur3_128}, seed 0, UTF-8;
 * the first 64 bits), a fixed function, so a key keeps its variant across restarts and replicas
 * as long as the weights stay the same. The hash, read as an unsigned number, is reduced modulo
 * the total weight and looked up in the cumulative weights: variant {@code i} gets the keys
 * whose point falls in {@code [w0 + ... + w(i-1), w0 + ... + wi)}, a share of
 * {@code wi / total} (the modulo bias is below {@code total / 2^64}).
 *
 * <p>Immutable; any thread may call {@link #pick}.
 */
final class TrafficSplit {

    private static final HashFunction MURMUR3 = Hashing.murmur3_128();

    private final long[] cumulativeWeights;
    private final long totalWeight;

    /** A split over {@code weights}, in variant order; at least one must be positive. */
    TrafficSplit(List<Long> weights) {
        cumulativeWeights = new long[weights.size()];
        long total = 0;
        for (int i = 0; i < weights.size(); i++) {
            total += weights.get(i);
            cumulativeWeights[i] = total;
        }
        totalWeight = total;
    }

    /**
     * The index of the variant for {@code routingKey}; a random one (by weight) when the key is
     * empty.
     */
    int pick(String routingKey) {
        long point = routingKey.isEmpty()
                ? ThreadLocalRandom.current().nextLong(totalWeight)
                : Long.remainderUnsigned(hash(routingKey), totalWeight);
        int found = Arrays.binarySearch(cumulativeWeights, point + 1);
        int index = found >= 0 ? found : -found - 1;
        while (index > 0 && cumulativeWeights[index - 1] == cumulativeWeights[index]) {
            index--;
        }
        return index;
    }

    static long hash(String routingKey) {
        return MURMUR3.hashString(routingKey, StandardCharsets.UTF_8).asLong();
    }
}
