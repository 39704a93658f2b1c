package io.mlmesh.loadgen;

/**
 * One step of a sweep: what the client saw at one concurrency and, when the server reports
 * statistics, what the server says it spent. Server and in-process fields are null when
 * unknown (an echo service has no statistics; only XGBoost bundles have an in-process
 * baseline).
 *
 * @param concurrency calls in flight
 * @param batchRows rows per request
 * @param requests answered requests in the measured window
 * @param failures failed requests
 * @param failureCodes failed requests per status code, for example {@code UNAVAILABLE=3}
 * @param seconds the measured window, first call to last answer
 * @param requestsPerSecond answered requests per second
 * @param p50Micros latency percentiles as the client measured them
 * @param requestBytes serialized size of a request
 * @param responseBytes serialized size of an answer
 * @param serverRequests requests the server counted in the window (its queue count)
 * @param serverQueueMicros mean time a request waited in the batch queue
 * @param serverComputeMicros mean engine time per request (its batch's call)
 * @param serverRowsPerBatch mean rows per engine call
 * @param serverMicrosPerBatch mean engine time per call
 * @param serverCpuMicrosPerRequest CPU time the server process used per answered request
 * @param inProcessMicrosPerBatch the same batch sizes predicted in this process, no RPC
 * @param baselineRequestsPerSecond another target's throughput at this concurrency, from the
 *     baseline file
 */
record StepResult(
        int concurrency,
        int batchRows,
        long requests,
        long failures,
        String failureCodes,
        double seconds,
        double requestsPerSecond,
        double p50Micros,
        double p90Micros,
        double p95Micros,
        double p99Micros,
        double maxMicros,
        int requestBytes,
        int responseBytes,
        Long serverRequests,
        Double serverQueueMicros,
        Double serverComputeMicros,
        Double serverRowsPerBatch,
        Double serverMicrosPerBatch,
        Double serverCpuMicrosPerRequest,
        Double inProcessMicrosPerBatch,
        Double baselineRequestsPerSecond) {

    /** In-process time per batch over the server's engine time per batch; null if unknown. */
    Double computeRatio() {
        if (inProcessMicrosPerBatch == null || serverMicrosPerBatch == null) {
            return null;
        }
        return inProcessMicrosPerBatch / serverMicrosPerBatch;
    }

    /** Throughput over the baseline's at the same concurrency; null without a baseline. */
    Double baselineRatio() {
        return baselineRequestsPerSecond == null ? null
                : requestsPerSecond / baselineRequestsPerSecond;
    }

    StepResult withBaseline(Double baselineThroughput) {
        return new StepResult(concurrency, batchRows, requests, failures, failureCodes, seconds,
                requestsPerSecond, p50Micros, p90Micros, p95Micros, p99Micros, maxMicros,
                requestBytes, responseBytes, serverRequests, serverQueueMicros,
                serverComputeMicros, serverRowsPerBatch, serverMicrosPerBatch,
                serverCpuMicrosPerRequest, inProcessMicrosPerBatch, baselineThroughput);
    }
}
