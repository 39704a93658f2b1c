package io.mlmesh.inference.routing;

/**
 * How shadow copies are carried ({@code mlmesh.inference.routing.*}).
 *
 * @param shadowQueueSize copies waiting for a shadow thread; one more is dropped and counted
 * @param shadowThreads threads that prepare and queue shadow copies
 * @param shadowTimeoutMillis the longest a copy waits in the shadow version's batch queue
 */
public record RoutingSettings(int shadowQueueSize, int shadowThreads, long shadowTimeoutMillis) {

    public RoutingSettings {
        if (shadowQueueSize < 1 || shadowThreads < 1 || shadowTimeoutMillis < 1) {
            throw new IllegalArgumentException("routing settings must be positive: "
                    + "shadow-queue-size=" + shadowQueueSize + " shadow-threads="
                    + shadowThreads + " shadow-timeout-millis=" + shadowTimeoutMillis);
        }
    }
}
