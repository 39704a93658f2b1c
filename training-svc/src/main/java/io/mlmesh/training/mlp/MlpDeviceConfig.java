package io.mlmesh.training.mlp;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Where training-svc runs the MLP family, under {@code mlmesh.training.djl}. */
@ConfigMapping(prefix = "mlmesh.training.djl")
public interface MlpDeviceConfig {

    /**
     * {@code auto} (the first GPU when the PyTorch engine sees one, else the CPU), {@code cpu}
     * or {@code gpu} (a job fails when there is none).
     */
    @WithDefault("auto")
    String device();

    /**
     * Where DJL unpacks libtorch from the native jar (about 430 MB, once). Empty: the
     * {@code DJL_CACHE_DIR} environment variable, else {@code ~/.djl.ai}.
     */
    Optional<Path> cacheDir();
}
