package io.mlmesh.monitor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the dashboard, under {@code mlmesh.monitor.dashboard}: how often figures are
 * sampled into its in-memory history, how much history is kept, and how often the page reloads.
 */
@ConfigMapping(prefix = "mlmesh.monitor.dashboard")
public interface DashboardConfig {

    /** How often every figure is sampled into the history. At least 10ms. */
    @WithDefault("5s")
    Duration sampleInterval();

    /** How far back the history reaches; older samples are dropped. At least one interval. */
    @WithDefault("1h")
    Duration retention();

    /** How often the page fetches the series again. At least 100ms. */
    @WithDefault("5s")
    Duration refreshInterval();

    /**
     * Models whose live quality per version and variant is charted, read from the feedback
     * loop's joined rows at every sample; none: every model whose predictions were consumed.
     */
    Optional<List<String>> models();

    /**
     * Series one chart holds at most (services, variants...); figures of further series are
     * left out, so the history stays bounded whatever the exporters send.
     */
    @WithDefault("50")
    int maxSeries();
}
