package io.mlmesh.inference.routing;

import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.model.ModelCatalog;
import io.mlmesh.inference.model.ModelVersions;
import io.mlmesh.inference.model.ServingModel;

/**
 * The loaded model version a variant or a shadow uses, looked up in the catalog on every
 * request, so that a reload or an alias loaded again is picked up without touching endpoints.
 *
 * @param model the model name
 * @param version a version number, or 0 for the model's default (or for {@code alias})
 * @param alias the alias the version was loaded through; empty when not used
 */
public record ModelTarget(String model, long version, String alias) {

    /**
     * The loaded version this target names. An alias picks the version most recently loaded
     * through it.
     *
     * @throws InferenceException NOT_FOUND naming the model and the version or alias
     */
    public ServingModel resolve(ModelCatalog catalog) {
        if (alias.isEmpty()) {
            return catalog.resolve(model, version);
        }

        ModelVersions versions = catalog.versionsOf(model);
        ServingModel newest = null;
        for (ServingModel loaded : versions.byVersion().values()) {
            if (alias.equals(loaded.alias())
                    && (newest == null || loaded.loadedAt().isAfter(newest.loadedAt()))) {
                newest = loaded;
            }
        }
        if (newest == null) {
            throw InferenceException.notFound("model '" + model + "' has no version loaded "
                    + "through alias '" + alias + "'; loaded versions: "
                    + versions.byVersion().keySet());
        }
        return newest;
    }
}
