package io.mlmesh.monitor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of monitor-svc, under {@code mlmesh.monitor}. */
@ConfigMapping(prefix = "mlmesh.monitor")
public interface MonitorConfig {

    /** Traces held in memory; beyond it the oldest (first seen) is evicted. At least 1. */
    @WithDefault("100000")
    int maxTraces();

    /** Spans held per trace; later spans still count in the statistics. At least 1. */
    @WithDefault("1000")
    int maxSpansPerTrace();
}
