package io.mlmesh.monitor.served;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Windows of served traffic tested for drift, under {@code mlmesh.monitor.served-drift}. They
 * fill from the prediction log, so they exist only while the feedback loop is on.
 */
@ConfigMapping(prefix = "mlmesh.monitor.served-drift")
public interface ServedDriftConfig {

    /** A window closes when it holds this many predictions. At least 1. */
    @WithDefault("1000")
    int windowRows();

    /** A window closes when this long has passed since its first prediction arrived. */
    @WithDefault("1h")
    Duration windowDuration();

    /** Closed windows kept in memory per model version, the oldest dropped beyond it. */
    @WithDefault("168")
    int historySize();

    /** How often windows are checked for their duration. */
    @WithDefault("5s")
    Duration checkInterval();

    /** The longest a registry call for a version's reference may take. */
    @WithDefault("30s")
    Duration registryTimeout();
}
