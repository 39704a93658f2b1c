package io.mlmesh.inference.routing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of endpoint routing, read once at start-up from {@code mlmesh.inference.routing.*};
 * see {@link RoutingSettings} for their meaning.
 */
@ConfigMapping(prefix = "mlmesh.inference.routing")
public interface RoutingConfig {

    @WithDefault("1000")
    int shadowQueueSize();

    @WithDefault("2")
    int shadowThreads();

    @WithDefault("5000")
    long shadowTimeoutMillis();
}
