package io.mlmesh.inference.model;

/**
 * The engine side of a loaded model version: scores rows of input vectors. Implementations are
 * called by many request threads at once and must give each row the score a single thread
 * would.
 */
public interface ModelScorer {

    /**
     * Probabilities of the positive class.
     *
     * @param rows {@code rowCount * width} values, row after row, NaN where missing
     * @param rowCount the number of rows, at least one
     * @throws Exception when the engine fails; the caller reports it with the model's name
     */
    float[] predict(float[] rows, int rowCount) throws Exception;
}
