package io.mlmesh.training.xgboost;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * SHAP values of an XGBoost model through the engine's contribution output.
 *
 * <p>Design: for trees the engine runs TreeSHAP, exact and polynomial in tree depth; for the
 * linear booster a contribution is weight times input. Either way a row's contributions plus
 * the bias column add up to its margin (the log-odds before the sigmoid), and a missing input
 * contributes 0 for the linear booster. TreeSHAP costs far more than a prediction, so the
 * global table is taken over at most {@link #MAX_ROWS} rows spread evenly over the set.
 *
 * <p>Stateless; the caller owns the booster and the matrix.
 */
public final class ShapExplainer {

    /** The most rows the global importance table is computed on. */
    public static final int MAX_ROWS = 2000;

    private ShapExplainer() {
    }

    /**
     * One row per matrix row: one contribution per input, in vector order, then the bias.
     *
     * @throws XGBoostError when the engine fails
     */
    public static float[][] contributions(Booster booster, DMatrix matrix) throws XGBoostError {
        return booster.predictContrib(matrix, 0);
    }

    /**
     * For each of the {@code width} inputs, the mean absolute contribution over at most
     * {@link #MAX_ROWS} rows of the matrix, taken at an even stride.
     *
     * @throws XGBoostError when the engine fails
     */
    public static double[] meanAbsContributions(Booster booster, DMatrix matrix, int width)
            throws XGBoostError {
        int rows = (int) matrix.rowNum();
        int stride = Math.max(1, (rows + MAX_ROWS - 1) / MAX_ROWS);
        int[] sample = new int[(rows + stride - 1) / stride];
        for (int k = 0; k < sample.length; k++) {
            sample[k] = k * stride;
        }
        DMatrix sampled = matrix.slice(sample);
        try {
            return meanAbs(contributions(booster, sampled), width);
        } finally {
            sampled.dispose();
        }
    }

    private static double[] meanAbs(float[][] contributions, int width) {
        double[] sums = new double[width];
        for (float[] row : contributions) {
            for (int feature = 0; feature < width; feature++) {
                sums[feature] += Math.abs(row[feature]);
            }
        }
        for (int feature = 0; feature < width; feature++) {
            sums[feature] /= Math.max(1, contributions.length);
        }
        return sums;
    }
}
