package io.mlmesh.training.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Settings of training-svc, under {@code mlmesh.training}. */
@ConfigMapping(prefix = "mlmesh.training")
public interface TrainingConfig {

    /** The folder where jobs are kept as JSON files, one per job. */
    @WithDefault(".mlmesh/training")
    Path dataDir();

    /**
     * The longest one call to a peer (a training set download, an upload to the registry) may
     * take before the job fails with DEADLINE_EXCEEDED.
     */
    @WithDefault("10m")
    Duration peerTimeout();

    /**
     * The bearer token sent as {@code authorization: Bearer <token>} on every call to the
     * registry, which needs a token with the writer role once its access control is on. Absent
     * or blank: no token is sent. Never logged.
     */
    Optional<String> registryToken();
}
