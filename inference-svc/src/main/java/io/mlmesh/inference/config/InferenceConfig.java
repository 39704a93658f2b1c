package io.mlmesh.inference.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * Settings of inference-svc, read once at start-up from {@code mlmesh.inference.*}. The peers'
 * addresses are the gRPC clients {@code quarkus.grpc.clients.registry.*} and
 * {@code quarkus.grpc.clients.featurestore.*}.
 */
@ConfigMapping(prefix = "mlmesh.inference")
public interface InferenceConfig {

    /**
     * Models loaded at start-up, each {@code name}, {@code name@alias} or {@code name@version}
     * (for example {@code flights-delay@production}). A model that cannot be loaded is logged
     * at WARN and skipped; the service starts anyway and is never retried.
     */
    Optional<List<String>> preload();

    /** Time allowed for each registry call (version lookup, artifact download). */
    @WithDefault("30000")
    long registryTimeoutMillis();

    /** Time allowed for the feature store read of a Predict whose caller set no deadline. */
    @WithDefault("1000")
    long featureTimeoutMillis();
}
