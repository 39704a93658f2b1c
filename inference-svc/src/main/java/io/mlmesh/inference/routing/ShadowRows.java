package io.mlmesh.inference.routing;

import io.mlmesh.inference.model.ServingModel;

/**
 * Builds a request's model input for a shadow version, which may read other features or have
 * another width than the version that answers. Runs on a shadow thread, never on the request's
 * own, so it may block (a feature store read under its own timeout).
 */
@FunctionalInterface
public interface ShadowRows {

    /**
     * The request's rows vectorized for {@code shadow}, as many rows as the primary scored.
     *
     * @throws io.mlmesh.inference.InferenceException when the request does not fit the shadow
     */
    float[] rowsFor(ServingModel shadow);
}
