package io.mlmesh.monitor.served;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.OptionalDouble;

/**
 * When the monitor asks training-svc for a new model, under {@code mlmesh.monitor.retraining}.
 * Off by default. Each closed window of a served version is judged; a condition that holds in
 * {@link #consecutiveWindows()} windows in a row submits a job, at most once per model per
 * {@link #cooldown()}.
 */
@ConfigMapping(prefix = "mlmesh.monitor.retraining")
public interface RetrainingConfig {

    /** Whether the monitor submits retraining jobs at all. */
    @WithDefault("false")
    boolean enabled();

    /** Closed windows in a row in which a condition must hold. At least 1. */
    @WithDefault("3")
    int consecutiveWindows();

    /** Whether data-set drift of a window counts as a condition. */
    @WithDefault("true")
    boolean onDatasetDrift();

    /** Live AUC of a variant below this is a quality drop; unset: no floor. */
    OptionalDouble minLiveAuc();

    /**
     * Live AUC of a variant below the version's offline (registered) AUC minus this is a
     * quality drop; unset: not compared.
     */
    OptionalDouble maxAucDrop();

    /** Joined outcomes a variant needs before its live AUC is judged. */
    @WithDefault("200")
    long minJoined();

    /** After a submission, no other job for the same model before this has passed. */
    @WithDefault("24h")
    Duration cooldown();

    /**
     * How long outcomes take to reach the training data after serving: the new job's ranges end
     * this long before the newest served prediction.
     */
    @WithDefault("1d")
    Duration labelDelay();

    /** Decisions kept for ListRetrainingDecisions, newest first. */
    @WithDefault("100")
    int historySize();

    /** The longest one call to training-svc or the registry may take. */
    @WithDefault("30s")
    Duration callTimeout();
}
