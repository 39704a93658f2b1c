package io.mlmesh.inference.batching;

/** The engine call a {@link BatchQueue} makes: one matrix of rows in, one score per row out. */
@FunctionalInterface
public interface BatchScorer {

    /**
     * Scores rows laid out row after row.
     *
     * @param rows {@code rowCount * width} values
     * @param rowCount the number of rows, at least one
     * @return one score per row, in row order
     */
    float[] score(float[] rows, int rowCount);
}
