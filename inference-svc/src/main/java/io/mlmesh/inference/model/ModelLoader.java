package io.mlmesh.inference.model;

import ai.djl.engine.EngineException;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.mlmesh.core.model.BundleManifest;
import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.config.InferenceConfig;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import io.mlmesh.registry.v1.GetVersionRequest;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegistryGrpc.RegistryBlockingStub;
import io.mlmesh.registry.v1.VersionSelector;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.jboss.logging.Logger;

/**
 * Loads a registry version into the {@link ModelCatalog}: resolve the version, download and
 * verify the artifact, open the bundle and its engine (an XGBoost booster, or an MLP on DJL's
 * PyTorch engine), warm it up with a few predictions on a row of missing values (so the first
 * real call does not pay the engine's first-call cost),
 * then swap it in as the default and tell {@link AliasWatch} which alias, if any, it follows.
 *
 * <p>Every step that can fail runs before the swap, so a refused version (unknown, corrupt,
 * unreadable) leaves the version already serving untouched. The artifact is downloaded by the
 * exact number the first call resolved, so an alias that moves meanwhile cannot pair one
 * version's metadata with another's bytes. Any thread may call {@link #load}; two loads of one
 * model race only for which becomes the default, each swap itself being atomic.
 */
@ApplicationScoped
public class ModelLoader {

    private static final Logger LOG = Logger.getLogger(ModelLoader.class);
    private static final String XGBOOST_FAMILY = "xgboost";
    private static final String MLP_FAMILY = "mlp";
    private static final String LINEAR_BOOSTER = "gblinear";

    private final RegistryBlockingStub registry;
    private final ModelCatalog catalog;
    private final long registryTimeoutMillis;
    private final int warmUpPredictions;
    private final Clock clock;
    private final Consumer<ServingModel> onServed;
    private final MlpEngine mlpEngine;

    @Inject
    public ModelLoader(@GrpcClient("registry") RegistryBlockingStub registry,
            ModelCatalog catalog, InferenceConfig config, AliasWatch aliasWatch,
            MlpEngine mlpEngine) {
        this(registry, catalog, config.registryTimeoutMillis(), config.warmUpPredictions(),
                Clock.systemUTC(), aliasWatch::follow, mlpEngine);
    }

    /**
     * A loader with explicit settings.
     *
     * @param onServed told of every version {@link #load} made the default
     */
    ModelLoader(RegistryBlockingStub registry, ModelCatalog catalog, long registryTimeoutMillis,
            int warmUpPredictions, Clock clock, Consumer<ServingModel> onServed,
            MlpEngine mlpEngine) {
        this.registry = registry;
        this.catalog = catalog;
        this.registryTimeoutMillis = registryTimeoutMillis;
        this.warmUpPredictions = warmUpPredictions;
        this.clock = clock;
        this.onServed = onServed;
        this.mlpEngine = mlpEngine;
    }

    /**
     * Loads a version and makes it the model's default.
     *
     * @throws InferenceException INVALID_ARGUMENT or NOT_FOUND for a bad name or selector,
     *     FAILED_PRECONDITION for an artifact that fails verification or cannot be opened,
     *     UNAVAILABLE or DEADLINE_EXCEEDED when the registry does not answer
     */
    public ServingModel load(String model, ModelSelector selector) {
        if (model.isBlank()) {
            throw InferenceException.invalid("model is empty");
        }

        ModelVersion version = fetchVersion(model, selector);
        ServingModel serving = prepare(version, selector.alias());
        catalog.install(serving);
        LOG.infof("model loaded model=%s version=%d alias=%s sha256=%s inputs=%d", model,
                version.getVersion(), selector.alias(), serving.artifactSha256(),
                serving.width());
        onServed.accept(serving);
        return serving;
    }

    /**
     * A version ready to serve but not yet serving: artifact downloaded by number and verified,
     * bundle and booster opened, engine warmed up. Nothing in the catalog changes.
     *
     * @param alias the alias it is loaded through, empty for none
     * @throws InferenceException as {@link #load} does
     */
    ServingModel prepare(ModelVersion version, String alias) {
        String label = "model '" + version.getModel() + "' version " + version.getVersion();
        byte[] artifact = download(version, label);
        ServingModel serving = open(version, artifact, alias, label);
        warmUp(serving);
        return serving;
    }

    /**
     * The registry's description of the version a selector picks now.
     *
     * @throws InferenceException NOT_FOUND or INVALID_ARGUMENT for a bad selector,
     *     UNAVAILABLE or DEADLINE_EXCEEDED when the registry does not answer
     */
    ModelVersion fetchVersion(String model, ModelSelector selector) {
        GetVersionRequest request = GetVersionRequest.newBuilder()
                .setModel(model)
                .setSelector(selector.toRegistry())
                .build();
        try {
            return registry.withDeadlineAfter(registryTimeoutMillis, TimeUnit.MILLISECONDS)
                    .getVersion(request);
        } catch (StatusRuntimeException e) {
            throw InferenceException.fromRegistry(e);
        }
    }

    private byte[] download(ModelVersion version, String label) {
        GetVersionRequest request = GetVersionRequest.newBuilder()
                .setModel(version.getModel())
                .setSelector(VersionSelector.newBuilder().setVersion(version.getVersion()))
                .build();
        Context.CancellableContext transfer = Context.current().withCancellation();
        Context previous = transfer.attach();
        try {
            return ArtifactReceiver.receive(
                    registry.withDeadlineAfter(registryTimeoutMillis, TimeUnit.MILLISECONDS)
                            .downloadArtifact(request),
                    version.getArtifact(), label);
        } catch (StatusRuntimeException e) {
            throw InferenceException.fromRegistry(e);
        } finally {
            transfer.detach(previous);
            transfer.cancel(null);
        }
    }

    private ServingModel open(ModelVersion version, byte[] artifact, String alias,
            String label) {
        ModelBundle bundle = readBundle(artifact, label);
        BundleManifest manifest = bundle.manifest();
        String family = manifest.family().toLowerCase(Locale.ROOT);
        if (!family.equals(XGBOOST_FAMILY) && !family.equals(MLP_FAMILY)) {
            throw InferenceException.failedPrecondition("model family '" + manifest.family()
                    + "' of " + label + " is not served; inference-svc serves "
                    + XGBOOST_FAMILY + " and " + MLP_FAMILY);
        }

        try {
            FeatureVectorizer vectorizer = bundle.vectorizer();
            OnlineFeaturePlan online = OnlineFeaturePlan.of(manifest.onlineFeatures());
            RequestSchema schema = RequestSchema.of(manifest.transforms(), online);
            ModelScorer scorer = family.equals(MLP_FAMILY)
                    ? openMlp(bundle.modelBytes(), vectorizer, label)
                    : new XgboostScorer(openBooster(bundle.modelBytes(), vectorizer.width(),
                            label), vectorizer.width(),
                            !LINEAR_BOOSTER.equals(manifest.params().get("booster")));
            return new ServingModel(version.getModel(), version.getVersion(), alias,
                    version.getArtifact().getSha256(), clock.instant(), vectorizer, online, schema,
                    scorer);
        } catch (IllegalArgumentException e) {
            throw new InferenceException(InferenceException.Reason.FAILED_PRECONDITION,
                    "bundle of " + label + " is inconsistent: " + e.getMessage(), e);
        }
    }

    private void warmUp(ServingModel serving) {
        float[] missing = new float[serving.width()];
        Arrays.fill(missing, Float.NaN);
        for (int prediction = 0; prediction < warmUpPredictions; prediction++) {
            serving.predict(missing, 1);
        }
    }

    private static ModelBundle readBundle(byte[] artifact, String label) {
        try {
            return ModelBundle.fromBytes(artifact);
        } catch (IllegalArgumentException e) {
            throw new InferenceException(InferenceException.Reason.FAILED_PRECONDITION,
                    "artifact of " + label + " is not a model bundle: " + e.getMessage(), e);
        }
    }

    private ModelScorer openMlp(byte[] weights, FeatureVectorizer vectorizer, String label) {
        try {
            return mlpEngine.open(weights, vectorizer);
        } catch (IllegalStateException | EngineException e) {
            throw new InferenceException(InferenceException.Reason.FAILED_PRECONDITION,
                    "DJL cannot open the MLP of " + label + ": " + e.getMessage(), e);
        }
    }

    private static Booster openBooster(byte[] modelBytes, int width, String label) {
        Booster booster;
        long engineWidth;
        try {
            booster = XGBoost.loadModel(modelBytes);
            engineWidth = booster.getNumFeature();
        } catch (XGBoostError | IOException e) {
            throw new InferenceException(InferenceException.Reason.FAILED_PRECONDITION,
                    "XGBoost cannot read the model of " + label + ": " + e.getMessage(), e);
        }
        if (engineWidth != width) {
            booster.dispose();
            throw InferenceException.failedPrecondition("model of " + label + " takes "
                    + engineWidth + " inputs but its manifest defines " + width);
        }
        return booster;
    }
}
