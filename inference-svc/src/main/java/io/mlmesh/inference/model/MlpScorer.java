package io.mlmesh.inference.model;

import ai.djl.ndarray.NDManager;
import io.mlmesh.core.mlp.MlpNetwork;
import java.lang.ref.Cleaner;

/**
 * An MLP version on DJL's PyTorch engine: core's {@link MlpNetwork}, the forward pass training
 * ran, on weights that only ever get read.
 *
 * <p>Each batch builds its input arrays in its own sub-manager of the version's manager and
 * closes it when its scores are copied out, so no array outlives its batch, and many threads
 * score at once without a lock (PyTorch operators on tensors they only read are thread-safe).
 * Like a booster, a replaced version is never closed explicitly, since calls may still run on
 * it: a {@link Cleaner} closes its manager, freeing the weights, once nothing refers to it.
 */
final class MlpScorer implements ModelScorer {

    private static final Cleaner CLEANER = Cleaner.create();

    private final NDManager manager;
    private final MlpNetwork network;

    /**
     * @param manager owns the weights; closed when this scorer is no longer reachable
     */
    MlpScorer(NDManager manager, MlpNetwork network) {
        this.manager = manager;
        this.network = network;
        CLEANER.register(this, manager::close);
    }

    @Override
    public float[] predict(float[] rows, int rowCount) {
        try (NDManager batch = manager.newSubManager()) {
            return network.probabilities(batch, rows, rowCount);
        }
    }
}
