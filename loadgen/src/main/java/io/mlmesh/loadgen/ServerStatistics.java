package io.mlmesh.loadgen;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.InferBatchStatistics;
import io.mlmesh.oip.ModelStatistics;
import io.mlmesh.oip.ModelStatisticsRequest;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A server's own account of a model's work, from OIP {@code ModelStatistics}: totals since the
 * version was loaded, summed over the versions the request names. A step's share is the
 * difference of a snapshot taken after it and one taken before, as perf_analyzer does.
 *
 * @param requests requests that reached the engine (the queue count)
 * @param rows rows scored ({@code inference_count})
 * @param executions engine calls ({@code execution_count})
 * @param queueNanos time requests waited in the batch queue, summed over requests
 * @param computeNanos engine time, summed over requests (each request counts its batch's call)
 * @param batches per batch size in rows: engine calls and their summed time
 */
record ServerStatistics(long requests, long rows, long executions, long queueNanos,
        long computeNanos, Map<Long, BatchCompute> batches) {

    /**
     * Engine calls of one batch size.
     *
     * @param calls engine calls
     * @param nanos their summed duration
     */
    record BatchCompute(long calls, long nanos) {

        double microsPerCall() {
            return calls == 0 ? Double.NaN : nanos / 1000.0 / calls;
        }
    }

    /**
     * The server's totals, or empty when the server does not implement the statistics
     * extension (a bare echo service).
     */
    static Optional<ServerStatistics> fetch(Channel channel, String model, String version) {
        try {
            ModelStatisticsRequest request = ModelStatisticsRequest.newBuilder()
                    .setName(model).setVersion(version).build();
            return Optional.of(sum(GRPCInferenceServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .modelStatistics(request).getModelStatsList()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** What happened between {@code before} and this snapshot. */
    ServerStatistics minus(ServerStatistics before) {
        Map<Long, BatchCompute> batchDelta = new TreeMap<>();
        batches.forEach((size, after) -> {
            BatchCompute earlier = before.batches.getOrDefault(size, new BatchCompute(0, 0));
            long calls = after.calls - earlier.calls;
            if (calls > 0) {
                batchDelta.put(size, new BatchCompute(calls, after.nanos - earlier.nanos));
            }
        });
        return new ServerStatistics(requests - before.requests, rows - before.rows,
                executions - before.executions, queueNanos - before.queueNanos,
                computeNanos - before.computeNanos, batchDelta);
    }

    double queueMicrosPerRequest() {
        return requests == 0 ? Double.NaN : queueNanos / 1000.0 / requests;
    }

    double computeMicrosPerRequest() {
        return requests == 0 ? Double.NaN : computeNanos / 1000.0 / requests;
    }

    double rowsPerExecution() {
        return executions == 0 ? Double.NaN : rows / (double) executions;
    }

    private static ServerStatistics sum(Iterable<ModelStatistics> versions) {
        long requests = 0;
        long rows = 0;
        long executions = 0;
        long queueNanos = 0;
        long computeNanos = 0;
        Map<Long, BatchCompute> batches = new TreeMap<>();
        for (ModelStatistics version : versions) {
            requests += version.getInferenceStats().getQueue().getCount();
            rows += version.getInferenceCount();
            executions += version.getExecutionCount();
            queueNanos += version.getInferenceStats().getQueue().getNs();
            computeNanos += version.getInferenceStats().getComputeInfer().getNs();
            for (InferBatchStatistics batch : version.getBatchStatsList()) {
                batches.merge(batch.getBatchSize(), new BatchCompute(
                        batch.getComputeInfer().getCount(), batch.getComputeInfer().getNs()),
                        (a, b) -> new BatchCompute(a.calls + b.calls, a.nanos + b.nanos));
            }
        }
        return new ServerStatistics(requests, rows, executions, queueNanos, computeNanos,
                batches);
    }
}
