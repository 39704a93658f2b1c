package io.mlmesh.monitor.served;

import io.mlmesh.core.drift.ModelReference;
import java.util.Optional;

/**
 * What the registry holds about one served version that the monitor needs.
 *
 * @param reference the drift reference from the version's bundle; empty when the bundle has
 *     none or could not be read
 * @param note why the reference is absent; empty when present
 * @param offlineAuc the registered test AUC; NaN when the version has none
 * @param runId the training job that produced the version; empty when unknown
 * @param settled whether the answer is final (false: the registry failed, ask again later)
 */
public record VersionReference(Optional<ModelReference> reference, String note,
        double offlineAuc, String runId, boolean settled) {

    /** The answer when the registry could not be asked; tried again at the next window. */
    static VersionReference unavailable(String note) {
        return new VersionReference(Optional.empty(), note, Double.NaN, "", false);
    }
}
