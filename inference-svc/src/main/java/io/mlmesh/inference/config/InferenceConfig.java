package io.mlmesh.inference.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

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

    /**
     * The largest request message, in bytes, that a call may send; a larger one fails
     * RESOURCE_EXHAUSTED naming this limit and its size. It must stay below the transport's
     * {@code quarkus.grpc.server.max-inbound-message-size}, which refuses without a description.
     */
    @WithDefault("16777216")
    int maxRequestBytes();

    /**
     * Predictions of one row of missing values made on every newly loaded version before it
     * serves, so that the first real call does not pay the engine's first-call cost.
     */
    @WithDefault("3")
    int warmUpPredictions();

    /** Following registry aliases: see {@code AliasWatch}. */
    HotSwap hotSwap();

    /** Dynamic batching, the same for every model version. */
    Batching batching();

    /** The DJL engine of MLP models: see {@code MlpEngine}. */
    Djl djl();

    /** {@code mlmesh.inference.hot-swap.*}: reloading a model when its alias moves. */
    interface HotSwap {

        /**
         * Whether a model loaded through an alias follows that alias: when it moves in the
         * registry, the new version loads and warms up while the old one serves, then serves.
         */
        @WithDefault("true")
        boolean enabled();

        /** Wait before the first reconnect of a broken registry watch; doubles per failure. */
        @WithDefault("500")
        long reconnectInitialBackoffMillis();

        /** The longest wait between reconnects of a registry watch. */
        @WithDefault("30000")
        long reconnectMaxBackoffMillis();
    }

    /** {@code mlmesh.inference.batching.*}: see {@code BatchPolicy}. */
    interface Batching {

        /** The most rows scored in one engine call. */
        @WithDefault("64")
        int maxBatchSize();

        /**
         * How long the oldest queued request waits for others before its batch runs. 0 still
         * batches what arrives while a batch computes and gives a lone caller the lowest
         * latency; the default 500 gives more throughput at moderate concurrency on few cores.
         */
        @WithDefault("500")
        long maxQueueDelayMicros();

        /** Batch sizes that run as soon as the queue can form one exactly; default none. */
        Optional<List<Integer>> preferredBatchSizes();

        /** The most requests waiting per model version; one more gets RESOURCE_EXHAUSTED. */
        @WithDefault("1024")
        int maxQueueSize();

        /** The longest a request waits for its scores when its caller's deadline is later. */
        @WithDefault("10000")
        long timeoutMillis();

        /** How many batches of one version may score at once, each on its own thread. */
        @WithDefault("1")
        int instances();

        /**
         * Per model name, settings that replace the ones above for every version of that model,
         * for example {@code mlmesh.inference.batching.model."flights-delay".instances=2}.
         */
        Map<String, ModelBatching> model();
    }

    /** One model's batching settings; an absent one keeps the service-wide value. */
    interface ModelBatching {

        OptionalInt maxBatchSize();

        OptionalLong maxQueueDelayMicros();

        Optional<List<Integer>> preferredBatchSizes();

        OptionalInt maxQueueSize();

        OptionalLong timeoutMillis();

        OptionalInt instances();
    }

    /** {@code mlmesh.inference.djl.*}: where MLP models run. */
    interface Djl {

        /**
         * {@code auto} (the first GPU when the PyTorch engine sees one, else the CPU),
         * {@code cpu} or {@code gpu} (an MLP version then fails to load when there is none).
         */
        @WithDefault("auto")
        String device();

        /**
         * Where DJL unpacks libtorch from the native jar (about 430 MB, once). Empty: the
         * {@code DJL_CACHE_DIR} environment variable, else {@code ~/.djl.ai}.
         */
        Optional<Path> cacheDir();
    }
}
