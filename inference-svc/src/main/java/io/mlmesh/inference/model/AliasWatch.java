package io.mlmesh.inference.model;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.config.InferenceConfig;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegistryEvent;
import io.mlmesh.registry.v1.RegistryGrpc.RegistryBlockingStub;
import io.mlmesh.registry.v1.WatchRequest;
import io.quarkus.grpc.GrpcClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jboss.logging.Logger;

/**
 * Hot swap: keeps every model that was loaded through an alias on the version that alias
 * points at in the registry.
 *
 * <p>Each followed model has one registry {@code Watch}, read with the blocking stub on a daemon
 * thread of its own. Events are only triggers: on every event about the followed alias, and on
 * every (re)connect, the follower asks the registry where the alias points now
 * ({@code GetVersion}) and converges to that. Replayed history is therefore harmless (the first
 * watch of a model replays its events from revision 0, and each finds the current target
 * already serving), a later move overtakes an older one, and the state after a reconnect is
 * right even if the registry lost events. A reconnect resumes from the last revision seen, so a
 * move made while the stream was broken arrives as an event.
 *
 * <p>A swap happens off the request path: download, digest check, bundle, booster and warm-up
 * all run while the old default serves; only then does the catalog's default change, in one
 * atomic step. Requests that already hold the old version finish on it, in its own batch
 * queue, which a swap never closes; the old version stays loaded, so calls and endpoints that
 * name its number keep working.
 *
 * <p>A target that retrying cannot fix (digest mismatch, corrupt bundle, unknown version) is
 * refused: the old default keeps serving, a WARN names both versions, the counter
 * {@value #SWAPS} (tag {@code outcome=failed}) counts it and ListModels shows it until the alias
 * moves to a version that serves. It is not tried again until the alias moves. A registry that
 * does not answer breaks the watch instead: the follower reconnects with doubling backoff and
 * converges then, which retries the swap.
 *
 * <p>Threads: {@link #follow} may be called from any thread; a follower's own thread is the
 * only one that swaps its model.
 */
@ApplicationScoped
public class AliasWatch {

    /** Counter of alias moves applied ({@code outcome=swapped}) and refused ({@code failed}). */
    public static final String SWAPS = "mlmesh.inference.hot.swaps";

    private static final Logger LOG = Logger.getLogger(AliasWatch.class);

    private final RegistryBlockingStub registry;
    private final ModelLoader loader;
    private final ModelCatalog catalog;
    private final MeterRegistry meters;
    private final InferenceConfig.HotSwap settings;
    private final Clock clock = Clock.systemUTC();
    private final ConcurrentMap<String, Follower> followers = new ConcurrentHashMap<>();

    @Inject
    public AliasWatch(@GrpcClient("registry") RegistryBlockingStub registry, ModelLoader loader,
            ModelCatalog catalog, MeterRegistry meters, InferenceConfig config) {
        this.registry = registry;
        this.loader = loader;
        this.catalog = catalog;
        this.meters = meters;
        this.settings = config.hotSwap();
    }

    /**
     * Follows the alias a newly served version was loaded through, replacing what its model
     * followed before; a version loaded by number or as the newest pins the model instead.
     */
    public void follow(ServingModel served) {
        if (!settings.enabled()) {
            return;
        }
        followers.compute(served.name(), (model, current) -> {
            if (current != null && current.alias.equals(served.alias())) {
                return current;
            }
            if (current != null) {
                current.stop();
            }
            return served.alias().isEmpty() ? null : Follower.start(this, model, served.alias());
        });
    }

    /** Stops following a model's alias: it was unloaded, and an alias move must not load it. */
    public void unfollow(String model) {
        Follower follower = followers.remove(model);
        if (follower != null) {
            follower.stop();
            LOG.infof("hot swap stopped model=%s alias=%s reason=unloaded", model,
                    follower.alias);
        }
    }

    @PreDestroy
    void stopAll() {
        followers.values().forEach(Follower::stop);
        followers.clear();
    }

    /** One model's watch: its thread, the alias it follows, where the stream stopped. */
    private static final class Follower implements Runnable {

        private final AliasWatch owner;
        private final String model;
        private final String alias;
        private final Thread thread;
        private volatile boolean stopped;
        private volatile Context.CancellableContext call;
        private long lastRevision;
        private long backoffMillis;

        private Follower(AliasWatch owner, String model, String alias) {
            this.owner = owner;
            this.model = model;
            this.alias = alias;
            this.thread = new Thread(this, "mlmesh-alias-watch-" + model);
            this.thread.setDaemon(true);
            this.backoffMillis = owner.settings.reconnectInitialBackoffMillis();
        }

        static Follower start(AliasWatch owner, String model, String alias) {
            Follower follower = new Follower(owner, model, alias);
            follower.thread.start();
            LOG.infof("hot swap following model=%s alias=%s", model, alias);
            return follower;
        }

        void stop() {
            stopped = true;
            Context.CancellableContext current = call;
            if (current != null) {
                current.cancel(null);
            }
            thread.interrupt();
        }

        @Override
        public void run() {
            try {
                follow();
            } finally {
                owner.followers.remove(model, this);
            }
        }

        private void follow() {
            while (!stopped) {
                long openedNanos = System.nanoTime();
                String broken = connect();
                if (broken == null) {
                    return;
                }
                if ((System.nanoTime() - openedNanos) / 1_000_000
                        > owner.settings.reconnectMaxBackoffMillis()) {
                    backoffMillis = owner.settings.reconnectInitialBackoffMillis();
                }
                LOG.warnf("registry watch broken model=%s alias=%s revision=%d"
                        + " retry_in_millis=%d reason=%s", model, alias, lastRevision,
                        backoffMillis, broken);
                if (!pauseBeforeReconnect()) {
                    return;
                }
            }
        }

        /** One connection, converged then read to its end: why it broke, null to stop. */
        private String connect() {
            Context.CancellableContext context = Context.ROOT.withCancellation();
            call = context;
            if (stopped) {
                context.cancel(null);
                return null;
            }
            try {
                context.run(this::watch);
                return stopped ? null : "registry ended the stream";
            } catch (StatusRuntimeException e) {
                return endsFollowing(e.getStatus())
                        ? null
                        : e.getStatus().getCode() + " " + e.getStatus().getDescription();
            } catch (InferenceException e) {
                return stopped ? null : e.getMessage();
            } catch (RuntimeException e) {
                return stopped ? null : e.toString();
            } finally {
                context.cancel(null);
            }
        }

        private void watch() {
            converge();
            Iterator<RegistryEvent> events = owner.registry.watch(WatchRequest.newBuilder()
                    .setModel(model)
                    .setFromRevision(lastRevision)
                    .build());
            while (events.hasNext()) {
                RegistryEvent event = events.next();
                lastRevision = event.getRevision();
                if (concernsAlias(event)) {
                    converge();
                }
            }
        }

        private boolean concernsAlias(RegistryEvent event) {
            return switch (event.getKind()) {
                case ALIAS_SET, ALIAS_DELETED -> alias.equals(event.getAlias());
                case MODEL_DELETED -> true;
                default -> false;
            };
        }

        private boolean endsFollowing(Status status) {
            if (stopped) {
                return true;
            }
            if (status.getCode() != Status.Code.UNIMPLEMENTED) {
                return false;
            }
            LOG.warnf("hot swap off model=%s alias=%s reason=registry serves no Watch", model,
                    alias);
            return true;
        }

        /** Waits before the next attempt; false when {@link #stop} interrupted it. */
        private boolean pauseBeforeReconnect() {
            try {
                Thread.sleep(backoffMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            backoffMillis = Math.min(backoffMillis * 2,
                    owner.settings.reconnectMaxBackoffMillis());
            return !stopped;
        }

        /**
         * Makes the alias's current target the default, unless it already is or was refused.
         *
         * @throws InferenceException UNAVAILABLE or DEADLINE_EXCEEDED when the registry does
         *     not answer: the caller reconnects and converges again
         */
        private void converge() {
            Optional<ModelVersion> target = currentTarget();
            if (target.isEmpty() || stopped) {
                return;
            }

            long version = target.get().getVersion();
            ServingModel current = owner.catalog.versionsOf(model).servingDefault();
            if (current.version() == version) {
                owner.catalog.clearSwapFailure(model);
                return;
            }
            Optional<SwapFailure> refused = owner.catalog.swapFailureOf(model);
            if (refused.isEmpty() || refused.get().version() != version) {
                swap(current, target.get());
            }
        }

        private Optional<ModelVersion> currentTarget() {
            try {
                return Optional.of(owner.loader.fetchVersion(model, ModelSelector.ofAlias(alias)));
            } catch (InferenceException e) {
                if (e.reason() != InferenceException.Reason.NOT_FOUND) {
                    throw e;
                }
                LOG.warnf("hot swap has no target model=%s alias=%s reason=%s;"
                        + " the current default keeps serving", model, alias, e.getMessage());
                return Optional.empty();
            }
        }

        private void swap(ServingModel current, ModelVersion target) {
            long startedNanos = System.nanoTime();
            ServingModel next;
            try {
                next = loadedOrPrepared(target);
            } catch (InferenceException e) {
                if (registryDidNotAnswer(e)) {
                    throw e;
                }
                refuse(current, target, e);
                return;
            }
            if (stopped) {
                return;
            }

            owner.catalog.install(next);
            owner.catalog.clearSwapFailure(model);
            counter("swapped").increment();
            LOG.infof("hot swap done model=%s alias=%s from_version=%d to_version=%d"
                    + " sha256=%s swap_millis=%d", model, alias, current.version(),
                    next.version(), next.artifactSha256(),
                    (System.nanoTime() - startedNanos) / 1_000_000);
        }

        /** The target as already loaded with the same artifact, or freshly prepared. */
        private ServingModel loadedOrPrepared(ModelVersion target) {
            ServingModel loaded = owner.catalog.versionsOf(model).byVersion()
                    .get(target.getVersion());
            if (loaded != null && loaded.artifactSha256()
                    .equalsIgnoreCase(target.getArtifact().getSha256())) {
                return loaded;
            }
            return owner.loader.prepare(target, alias);
        }

        private void refuse(ServingModel current, ModelVersion target, InferenceException e) {
            owner.catalog.recordSwapFailure(model,
                    new SwapFailure(target.getVersion(), e.getMessage(), owner.clock.instant()));
            counter("failed").increment();
            LOG.warnf("hot swap refused model=%s alias=%s version=%d serving_version=%d"
                    + " reason=%s", model, alias, target.getVersion(), current.version(),
                    e.getMessage());
        }

        private Counter counter(String outcome) {
            return Counter.builder(SWAPS)
                    .description("Alias moves applied (swapped) or refused (failed) by hot swap")
                    .tags("model", model, "outcome", outcome)
                    .register(owner.meters);
        }

        private static boolean registryDidNotAnswer(InferenceException e) {
            return e.reason() == InferenceException.Reason.UNAVAILABLE
                    || e.reason() == InferenceException.Reason.DEADLINE_EXCEEDED;
        }
    }
}
