package io.mlmesh.monitor.served;

import java.time.Instant;
import java.util.Map;

/**
 * Why the monitor asked training-svc for a new model, and what came of it.
 *
 * @param model the model
 * @param version the served version whose windows triggered it
 * @param reason what held, in words
 * @param figures the numbers that decided (drifted_share, live_auc, offline_auc, windows)
 * @param jobId the submitted job; empty when the submission failed
 * @param error why the submission failed; empty when it succeeded
 * @param decidedAt when the monitor decided
 */
public record RetrainingDecision(String model, long version, String reason,
        Map<String, Double> figures, String jobId, String error, Instant decidedAt) {

    public RetrainingDecision {
        figures = Map.copyOf(figures);
    }
}
