package io.mlmesh.training.data;

/**
 * Model inputs and labels of a data set, row-major, ready for an engine.
 *
 * @param values {@code rows * width} inputs; NaN marks a missing one
 * @param labels one 0 or 1 per row
 * @param rows the number of rows
 * @param width the number of inputs per row
 */
public record FeatureMatrix(float[] values, float[] labels, int rows, int width) {

    public FeatureMatrix {
        if (values.length != (long) rows * width || labels.length != rows) {
            throw new IllegalArgumentException("matrix of " + rows + " x " + width
                    + " has " + values.length + " values and " + labels.length + " labels");
        }
    }

    /** The labels as integers, the form metrics take. */
    public int[] intLabels() {
        int[] ints = new int[rows];
        for (int i = 0; i < rows; i++) {
            ints[i] = (int) labels[i];
        }
        return ints;
    }

    /** The share of rows labelled 1; NaN for an empty matrix. */
    public double positiveShare() {
        if (rows == 0) {
            return Double.NaN;
        }
        double positives = 0;
        for (float label : labels) {
            positives += label;
        }
        return positives / rows;
    }

    /** The given rows, in the order given. */
    public FeatureMatrix select(int[] selected) {
        float[] selectedValues = new float[Math.multiplyExact(selected.length, width)];
        float[] selectedLabels = new float[selected.length];
        for (int i = 0; i < selected.length; i++) {
            System.arraycopy(values, selected[i] * width, selectedValues, i * width, width);
            selectedLabels[i] = labels[selected[i]];
        }
        return new FeatureMatrix(selectedValues, selectedLabels, selected.length, width);
    }

    /** For each input, the share of rows where it is missing (NaN); NaN for no rows. */
    public double[] missingShares() {
        double[] missing = new double[width];
        for (int i = 0; i < values.length; i++) {
            if (Float.isNaN(values[i])) {
                missing[i % width]++;
            }
        }
        for (int input = 0; input < width; input++) {
            missing[input] /= rows;
        }
        return missing;
    }

    /** The number of rows labelled 1. */
    public long positives() {
        long positives = 0;
        for (float label : labels) {
            positives += label == 1f ? 1 : 0;
        }
        return positives;
    }
}
