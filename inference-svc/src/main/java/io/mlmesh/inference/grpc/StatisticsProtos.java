package io.mlmesh.inference.grpc;

import io.mlmesh.inference.batching.BatchStatistics;
import io.mlmesh.oip.InferBatchStatistics;
import io.mlmesh.oip.InferStatistics;
import io.mlmesh.oip.ModelStatistics;
import io.mlmesh.oip.StatisticDuration;

/**
 * A version's {@link BatchStatistics} in the form Triton reports them. Success, failure and
 * queue counts are per request, compute_infer is per request too (each request of a batch is
 * charged its batch's engine call) and batch_stats are per engine call. XGBoost's in-place
 * prediction reads the request's floats directly and returns its scores without a copy phase
 * of its own, so compute_input and compute_output are left empty rather than invented.
 */
final class StatisticsProtos {

    private StatisticsProtos() {
    }

    /** The statistics of one model version; all zero when no request reached its queue. */
    static ModelStatistics toProto(String name, long version,
            BatchStatistics.Snapshot snapshot) {
        ModelStatistics.Builder statistics = ModelStatistics.newBuilder()
                .setName(name)
                .setVersion(Long.toString(version));
        if (snapshot == null) {
            return statistics.setInferenceStats(InferStatistics.getDefaultInstance()).build();
        }

        statistics.setLastInference(snapshot.lastInferenceMillis())
                .setInferenceCount(snapshot.inferenceCount())
                .setExecutionCount(snapshot.executionCount())
                .setInferenceStats(InferStatistics.newBuilder()
                        .setSuccess(toProto(snapshot.success()))
                        .setFail(toProto(snapshot.failure()))
                        .setQueue(toProto(snapshot.queue()))
                        .setComputeInfer(toProto(snapshot.compute())));
        snapshot.batches().forEach((rows, calls) -> statistics.addBatchStats(
                InferBatchStatistics.newBuilder()
                        .setBatchSize(rows)
                        .setComputeInfer(toProto(calls))));
        return statistics.build();
    }

    private static StatisticDuration toProto(BatchStatistics.Duration duration) {
        return StatisticDuration.newBuilder()
                .setCount(duration.count())
                .setNs(duration.nanos())
                .build();
    }
}
