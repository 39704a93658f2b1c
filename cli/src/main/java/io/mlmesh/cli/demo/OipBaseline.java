package io.mlmesh.cli.demo;

import io.mlmesh.client.ModelInferRows;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.ModelInferResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The baseline the demo measures {@code Predict} against: the same vectors, already built,
 * sent through the standard OIP {@code ModelInfer} at the same concurrency. The difference is
 * what fetching online features and applying transforms costs. The scores must also be equal:
 * both protocols reach the same loaded model. XGBoost scores a row alike in any batch, so its
 * scores must be equal bit for bit; PyTorch's matrix kernels may round a row differently with
 * other batch sizes, and the two protocols' rows meet in different batches, so the MLP's scores
 * must agree within a tolerance.
 */
final class OipBaseline {

    private static final long HIGHEST_MICROS = 60_000_000L;

    /**
     * @param scoreMismatches rows whose ModelInfer probability differs from the Predict score
     *     by more than the tolerance
     */
    record Outcome(int calls, int scoreMismatches, long p50Micros, long p99Micros,
            double callsPerSecond) {
    }

    private OipBaseline() {
    }

    static Outcome run(GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub oip,
            float[][] vectors, double[] predictScores, int concurrency, double tolerance) {
        Histogram latency = new ConcurrentHistogram(HIGHEST_MICROS, 3);
        AtomicInteger mismatches = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(concurrency);
        long startNanos = System.nanoTime();
        try {
            ConcurrentCalls.run(callers, concurrency, vectors.length, i -> {
                long callNanos = System.nanoTime();
                ModelInferResponse response = oip.withDeadlineAfter(10, TimeUnit.SECONDS)
                        .modelInfer(ModelInferRows.request(FlightsDemo.MODEL, "", vectors[i], 1,
                                vectors[i].length));
                latency.recordValue(Math.min(HIGHEST_MICROS,
                        (System.nanoTime() - callNanos) / 1000));
                if (!(Math.abs(ModelInferRows.firstOutput(response) - (float) predictScores[i])
                        <= tolerance)) {
                    mismatches.incrementAndGet();
                }
            }, "ModelInfer");
        } finally {
            callers.shutdownNow();
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return new Outcome(vectors.length, mismatches.get(), latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(99), vectors.length / seconds);
    }
}
