package io.mlmesh.monitor.slo;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A broken objective: open while it stays broken, resolved once a judged window holds again.
 *
 * @param objective the objective that broke
 * @param observed the window that broke it, at the latest evaluation while the alert was open
 * @param reason what broke, for example {@code p99 80.0ms > 50.0ms}
 * @param since when the evaluation first found it broken
 * @param resolvedAt when it held again; empty while open
 */
public record Alert(
        Objective objective,
        WindowReading observed,
        String reason,
        Instant since,
        Optional<Instant> resolvedAt) {

    public Alert {
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(observed, "observed");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(resolvedAt, "resolvedAt");
    }

    /** Whether the objective is still broken. */
    public boolean open() {
        return resolvedAt.isEmpty();
    }

    Alert stillBroken(WindowReading latest, String latestReason) {
        return new Alert(objective, latest, latestReason, since, resolvedAt);
    }

    Alert resolved(Instant at) {
        return new Alert(objective, observed, reason, since, Optional.of(at));
    }
}
