package io.mlmesh.cli.demo;

import java.nio.file.Path;

/**
 * What the flights demo runs on.
 *
 * @param data the flights file (Parquet or CSV with date, delay, distance, origin, destination)
 * @param trainFraction share of January to May flights to train on (deterministic sample)
 * @param testFraction share of June flights to evaluate and replay through serving
 * @param rounds boosting rounds (XGBoost)
 * @param concurrency concurrent Predict calls during the replay
 * @param family the model family trained: {@code xgboost} or {@code mlp}
 */
public record DemoOptions(Path data, double trainFraction, double testFraction, int rounds,
        int concurrency, String family) {

    /** The family the demo trains unless told otherwise. */
    public static final String XGBOOST = "xgboost";

    /** The neural network family (DJL on PyTorch). */
    public static final String MLP = "mlp";

    public DemoOptions {
        if (!family.equals(XGBOOST) && !family.equals(MLP)) {
            throw new IllegalArgumentException("family must be xgboost or mlp, got '" + family
                    + "'");
        }
    }

    /** Options of an XGBoost demo. */
    public DemoOptions(Path data, double trainFraction, double testFraction, int rounds,
            int concurrency) {
        this(data, trainFraction, testFraction, rounds, concurrency, XGBOOST);
    }

    /** Whether the demo trains the MLP. */
    public boolean mlp() {
        return family.equals(MLP);
    }
}
