package io.mlmesh.loadgen;

import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.loadgen.ServerStatistics.BatchCompute;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The same model's batch predict with no RPC: the bundle's booster loaded in this process,
 * {@code inplace_predict} (the call inference-svc's engine makes) on the same input rows, one
 * thread, at the batch sizes the server actually ran. Comparing its time per batch with the
 * server's {@code compute_infer} per batch says what serving adds around the engine call.
 */
final class InProcessBaseline {

    private static final long ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(12);
    private static final int ROUNDS = 5;
    private static final int WARM_UP_CALLS = 20;
    private static final int MAX_CALLS_PER_ROUND = 1_000;

    private final Booster booster;
    private final float[] rows;
    private final int rowCount;
    private final int width;

    private InProcessBaseline(Booster booster, List<float[]> vectors) {
        this.booster = booster;
        this.rowCount = vectors.size();
        this.width = vectors.get(0).length;
        this.rows = new float[rowCount * width];
        for (int i = 0; i < rowCount; i++) {
            System.arraycopy(vectors.get(i), 0, rows, i * width, width);
        }
    }

    /** A baseline for an XGBoost bundle, scoring the given rows. */
    static InProcessBaseline of(ModelBundle bundle, List<float[]> vectors) {
        try {
            return new InProcessBaseline(XGBoost.loadModel(bundle.modelBytes()), vectors);
        } catch (XGBoostError | IOException e) {
            throw new IllegalArgumentException("the bundle's model is not an XGBoost model: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The in-process time the server's batches would have taken, over the time the server's
     * engine calls took: each batch size weighted by how many calls the server made of it.
     * 1 means serving adds nothing to the engine call; the target is at least 0.7.
     *
     * @param serverBatches the server's engine calls per batch size in rows
     * @return in-process microseconds per server batch, weighted like the server's
     */
    double microsPerBatch(Map<Long, BatchCompute> serverBatches) {
        double totalMicros = 0;
        long calls = 0;
        for (Map.Entry<Long, BatchCompute> size : serverBatches.entrySet()) {
            int batchRows = (int) Math.min(size.getKey(), rowCount);
            totalMicros += microsPerCall(batchRows) * size.getValue().calls();
            calls += size.getValue().calls();
        }
        return calls == 0 ? Double.NaN : totalMicros / calls;
    }

    /**
     * Time of one in-place predict of {@code batchRows} consecutive rows: the median of a few
     * short rounds' means, so that a round in which a busy machine took the core away does not
     * weigh in.
     */
    double microsPerCall(int batchRows) {
        int windows = Math.max(1, rowCount / batchRows);
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            predict(i % windows, batchRows);
        }
        double[] roundMeans = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long startNanos = System.nanoTime();
            int calls = 0;
            while (calls < MAX_CALLS_PER_ROUND && System.nanoTime() - startNanos < ROUND_NANOS) {
                predict(calls % windows, batchRows);
                calls++;
            }
            roundMeans[round] = (System.nanoTime() - startNanos) / 1000.0 / calls;
        }
        Arrays.sort(roundMeans);
        return roundMeans[ROUNDS / 2];
    }

    private void predict(int window, int batchRows) {
        float[] batch = new float[batchRows * width];
        System.arraycopy(rows, window * batchRows * width, batch, 0, batch.length);
        try {
            float[][] scores = booster.inplace_predict(batch, batchRows, width, Float.NaN);
            if (scores.length != batchRows) {
                throw new IllegalStateException("predict returned " + scores.length
                        + " scores for " + batchRows + " rows");
            }
        } catch (XGBoostError e) {
            throw new IllegalStateException("in-process predict failed", e);
        }
    }
}
