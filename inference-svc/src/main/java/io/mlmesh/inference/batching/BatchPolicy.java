package io.mlmesh.inference.batching;

import java.util.List;

/**
 * How one model version's {@link BatchQueue} forms batches and bounds waiting.
 *
 * @param maxBatchSize the most rows one engine call scores; a single request with more rows
 *     runs as a batch of its own, never split
 * @param maxQueueDelayMicros how long the oldest queued request may wait for others to join
 *     it before its batch runs anyway; 0 runs whatever is queued at once
 * @param preferredBatchSizes batch sizes that run as soon as the queue can form one exactly,
 *     without waiting out the delay; empty: only {@code maxBatchSize} cuts the wait short
 * @param maxQueueSize the most requests waiting; one more is refused at once
 * @param timeoutMillis the longest a request waits for its scores when its caller set no
 *     shorter gRPC deadline
 * @param instances how many batches of the version may score at once, each on its own
 *     dispatcher thread (Triton's instance count): more than one lets a second batch form and
 *     run while a slow one computes, at the cost of smaller batches under light load
 */
public record BatchPolicy(int maxBatchSize, long maxQueueDelayMicros,
        List<Integer> preferredBatchSizes, int maxQueueSize, long timeoutMillis,
        int instances) {

    /** The configuration prefix of every setting, for messages that name one. */
    public static final String PREFIX = "mlmesh.inference.batching.";

    /** @throws IllegalArgumentException naming the setting and the bad value */
    public BatchPolicy {
        require(maxBatchSize >= 1, "max-batch-size", maxBatchSize, "at least 1");
        require(maxQueueDelayMicros >= 0, "max-queue-delay-micros", maxQueueDelayMicros,
                "0 or more");
        require(maxQueueSize >= 1, "max-queue-size", maxQueueSize, "at least 1");
        require(timeoutMillis >= 1, "timeout-millis", timeoutMillis, "at least 1");
        require(instances >= 1, "instances", instances, "at least 1");
        for (int size : preferredBatchSizes) {
            require(size >= 1 && size <= maxBatchSize, "preferred-batch-sizes", size,
                    "between 1 and max-batch-size " + maxBatchSize);
        }
        preferredBatchSizes = preferredBatchSizes.stream().distinct().sorted().toList();
    }

    /** A policy with one instance. */
    public BatchPolicy(int maxBatchSize, long maxQueueDelayMicros,
            List<Integer> preferredBatchSizes, int maxQueueSize, long timeoutMillis) {
        this(maxBatchSize, maxQueueDelayMicros, preferredBatchSizes, maxQueueSize, timeoutMillis,
                1);
    }

    private static void require(boolean valid, String key, long value, String expected) {
        if (!valid) {
            throw new IllegalArgumentException(
                    PREFIX + key + " must be " + expected + ", got " + value);
        }
    }
}
