package io.mlmesh.inference.model;

import java.time.Instant;

/**
 * A hot swap that was refused: the version an alias moved to could not be loaded, so the
 * model's previous default kept serving.
 *
 * @param version the version the alias pointed at
 * @param reason why it was refused, as the loader said it (names the version and the check)
 * @param failedAt when the attempt ended
 */
public record SwapFailure(long version, String reason, Instant failedAt) {
}
