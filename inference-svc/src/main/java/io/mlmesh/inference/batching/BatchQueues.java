package io.mlmesh.inference.batching;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.config.InferenceConfig;
import io.mlmesh.inference.model.ServingModel;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The {@link BatchQueue} of every loaded model version, started on first use. A queue belongs
 * to one {@link ServingModel} instance: when a version number is loaded again, the next request
 * starts a queue on the new instance and the old queue scores what it holds, then ends.
 *
 * <p>Each version's queue depth, the requests waiting now, is the gauge
 * {@code mlmesh.inference.queue.depth} (Prometheus {@code mlmesh_inference_queue_depth}), tagged
 * {@code model} and {@code version}: the signal a HorizontalPodAutoscaler scales inference on
 * through a metrics adapter, because it rises before CPU saturates when batches back up. The
 * gauge reads whichever queue currently serves the version, so it survives reloads; a version
 * closed or replaced reads 0 while its old queue drains.
 *
 * <p>All queues share one timer thread for their deadlines. Any thread may call any method.
 */
@ApplicationScoped
public class BatchQueues {

    /** Name of the queue-depth gauge; Prometheus exports it as mlmesh_inference_queue_depth. */
    public static final String QUEUE_DEPTH = "mlmesh.inference.queue.depth";

    private static final Logger LOG = Logger.getLogger(BatchQueues.class);

    /** A queue and the model instance it scores with. */
    private record Bound(ServingModel model, BatchQueue queue) {
    }

    private final BatchPolicy policy;
    private final Map<String, BatchPolicy> modelPolicies;
    private final MeterRegistry registry;
    private final Function<ServingModel, BatchScorer> engines;
    private final ScheduledThreadPoolExecutor timer;
    private final ConcurrentMap<String, Bound> queues = new ConcurrentHashMap<>();
    /** The last unloaded instance per version, weakly: it must not keep its booster alive. */
    private final ConcurrentMap<String, WeakReference<ServingModel>> unloaded =
            new ConcurrentHashMap<>();

    @Inject
    public BatchQueues(InferenceConfig config, MeterRegistry registry) {
        this(policyOf(config.batching()), modelPoliciesOf(config.batching()), registry,
                model -> model::predict);
    }

    /**
     * Queues with one policy for every model.
     *
     * @param engines the scorer of a model version; the service scores with its booster
     */
    public BatchQueues(BatchPolicy policy, MeterRegistry registry,
            Function<ServingModel, BatchScorer> engines) {
        this(policy, Map.of(), registry, engines);
    }

    /**
     * Queues with a policy per model name, and {@code policy} for the others.
     *
     * @param engines the scorer of a model version; the service scores with its booster
     */
    public BatchQueues(BatchPolicy policy, Map<String, BatchPolicy> modelPolicies,
            MeterRegistry registry, Function<ServingModel, BatchScorer> engines) {
        this.policy = policy;
        this.modelPolicies = Map.copyOf(modelPolicies);
        this.registry = registry;
        this.engines = engines;
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "mlmesh-batch-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.timer.setRemoveOnCancelPolicy(true);
        LOG.infof("batching policy=%s", policy);
        this.modelPolicies.forEach((model, own) ->
                LOG.infof("batching model=%s policy=%s", model, own));
    }

    /** The policy the queues of a model's versions follow. */
    public BatchPolicy policyOf(String model) {
        return modelPolicies.getOrDefault(model, policy);
    }

    /** The queue that scores with {@code model}, started if it is the first request. */
    public BatchQueue queueOf(ServingModel model) {
        Bound bound = queues.get(keyOf(model.name(), model.version()));
        if (bound != null && bound.model() == model) {
            return bound.queue();
        }
        return queues.compute(keyOf(model.name(), model.version()),
                (key, current) -> current != null && current.model() == model
                        ? current
                        : replace(key, current, model)).queue();
    }

    /** The requests waiting now in the queue that serves a version; 0 when none does. */
    public int queueDepthOf(String name, long version) {
        Bound bound = queues.get(keyOf(name, version));
        return bound == null ? 0 : bound.queue().queuedRequests();
    }

    /** The statistics of a version's queue, empty when no request has reached it. */
    public Optional<BatchStatistics.Snapshot> statisticsOf(String name, long version) {
        Bound bound = queues.get(keyOf(name, version));
        return bound == null
                ? Optional.empty()
                : Optional.of(bound.queue().statistics().snapshot());
    }

    /**
     * Closes the queue of a version being unloaded: it scores what it holds, then ends. A
     * request that resolved {@code model} before its unload and reaches {@link #queueOf} after
     * it is refused NOT_FOUND instead of starting a new queue on it.
     *
     * @return the closed queue, to await its end; empty when no request had reached it
     */
    public Optional<BatchQueue> close(ServingModel model) {
        String key = keyOf(model.name(), model.version());
        BatchQueue[] closed = new BatchQueue[1];
        queues.compute(key, (name, current) -> {
            unloaded.put(key, new WeakReference<>(model));
            if (current == null || current.model() != model) {
                return current;
            }
            current.queue().close();
            closed[0] = current.queue();
            return null;
        });
        return Optional.ofNullable(closed[0]);
    }

    @PreDestroy
    void shutdown() {
        queues.values().forEach(bound -> bound.queue().close());
        queues.clear();
        timer.shutdownNow();
    }

    private Bound replace(String key, Bound current, ServingModel model) {
        WeakReference<ServingModel> gone = unloaded.get(key);
        if (gone != null && gone.get() == model) {
            throw InferenceException.notFound("model '" + model.name() + "' version "
                    + model.version() + " was unloaded");
        }
        unloaded.remove(key);
        if (current != null) {
            current.queue().close();
        }
        String label = "model '" + model.name() + "' version " + model.version();
        registerQueueDepth(model.name(), model.version());
        BatchStatistics statistics = new BatchStatistics(registry, model.name(),
                model.version(), Clock.systemUTC());
        return new Bound(model, BatchQueue.start(label, engines.apply(model),
                policyOf(model.name()), timer, statistics));
    }

    /** Registers the version's gauge once; a reload finds it and the gauge reads on. */
    private void registerQueueDepth(String name, long version) {
        String versionTag = Long.toString(version);
        if (registry.find(QUEUE_DEPTH).tags("model", name, "version", versionTag)
                .gauge() != null) {
            return;
        }

        Gauge.builder(QUEUE_DEPTH, this, owner -> owner.queueDepthOf(name, version))
                .description("Requests waiting in the batch queue of a model version")
                .tags("model", name, "version", versionTag)
                .strongReference(true)
                .register(registry);
    }

    private static String keyOf(String name, long version) {
        return name + '@' + version;
    }

    private static BatchPolicy policyOf(InferenceConfig.Batching batching) {
        return new BatchPolicy(batching.maxBatchSize(), batching.maxQueueDelayMicros(),
                batching.preferredBatchSizes().orElse(List.of()), batching.maxQueueSize(),
                batching.timeoutMillis(), batching.instances());
    }

    private static Map<String, BatchPolicy> modelPoliciesOf(InferenceConfig.Batching batching) {
        BatchPolicy shared = policyOf(batching);
        Map<String, BatchPolicy> policies = new HashMap<>();
        batching.model().forEach((model, own) -> policies.put(model, new BatchPolicy(
                own.maxBatchSize().orElse(shared.maxBatchSize()),
                own.maxQueueDelayMicros().orElse(shared.maxQueueDelayMicros()),
                own.preferredBatchSizes().orElse(shared.preferredBatchSizes()),
                own.maxQueueSize().orElse(shared.maxQueueSize()),
                own.timeoutMillis().orElse(shared.timeoutMillis()),
                own.instances().orElse(shared.instances()))));
        return policies;
    }
}
