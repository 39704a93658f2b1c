package io.mlmesh.monitor.feedback;

/**
 * What recording an outcome did.
 *
 * @param joined whether the prediction has arrived, so the row counts in live quality
 * @param duplicate whether the same outcome was recorded before (nothing changed)
 */
public record OutcomeResult(boolean joined, boolean duplicate) {
}
