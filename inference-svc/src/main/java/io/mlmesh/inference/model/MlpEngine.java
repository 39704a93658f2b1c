package io.mlmesh.inference.model;

import ai.djl.ndarray.NDManager;
import io.mlmesh.core.mlp.DjlRuntime;
import io.mlmesh.core.mlp.MlpInputLayout;
import io.mlmesh.core.mlp.MlpNetwork;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.inference.config.InferenceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Opens MLP bundles on DJL's PyTorch engine, on the device {@code mlmesh.inference.djl.device}
 * and detection pick ({@link DjlRuntime#device}). The engine loads, offline, with the first MLP
 * version (a service that serves only XGBoost never unpacks libtorch); the choice is logged at
 * INFO once.
 */
@ApplicationScoped
public class MlpEngine {

    private static final Logger LOG = Logger.getLogger(MlpEngine.class);

    private final DjlRuntime.DeviceSetting setting;
    private final Optional<Path> cacheDir;
    private DjlRuntime.Placement placement;

    @Inject
    public MlpEngine(InferenceConfig config) {
        this(DjlRuntime.DeviceSetting.parse(config.djl().device()), config.djl().cacheDir());
    }

    /**
     * An engine on an explicit device setting.
     *
     * @param cacheDir where libtorch is unpacked; empty: DJL's default
     */
    public MlpEngine(DjlRuntime.DeviceSetting setting, Optional<Path> cacheDir) {
        this.setting = setting;
        this.cacheDir = cacheDir;
    }

    /**
     * A scorer of the bundle's weights for vectors of {@code vectorizer}.
     *
     * @throws IllegalArgumentException when the weights do not fit the vectorizer
     * @throws IllegalStateException when the configured device is not there
     */
    ModelScorer open(byte[] weights, FeatureVectorizer vectorizer) {
        DjlRuntime.Placement on = placement();
        NDManager manager = on.engine().newBaseManager(on.device());
        try {
            return new MlpScorer(manager,
                    MlpNetwork.decode(manager, MlpInputLayout.of(vectorizer), weights));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The engine and device MLP versions run on; loads the engine on the first call. */
    public synchronized DjlRuntime.Placement placement() {
        if (placement == null) {
            placement = DjlRuntime.place(setting, cacheDir);
            LOG.infof("djl engine loaded %s", placement.describe());
        }
        return placement;
    }
}
