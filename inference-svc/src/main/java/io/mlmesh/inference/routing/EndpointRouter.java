package io.mlmesh.inference.routing;

import io.micrometer.core.instrument.MeterRegistry;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.batching.BatchQueues;
import io.mlmesh.inference.model.ModelCatalog;
import io.mlmesh.inference.model.ServingModel;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The endpoints of this process and the routing of each request that names one.
 *
 * <p>A request naming an endpoint (and no version) gets the variant its routing key hashes to
 * ({@link TrafficSplit}); the variant's model version is looked up in the catalog at that
 * moment, so reloads and hot swaps apply at once. A request that names a version, or a name
 * that is no endpoint, goes to the model of that name: endpoints take precedence over models
 * of the same name only for requests without a version.
 *
 * <p>Endpoints live in memory: a restart forgets them. Routing reads a concurrent map and takes
 * no lock; set and delete serialize on a private lock so that meters are never registered
 * twice. Any thread may call any method.
 */
@ApplicationScoped
public class EndpointRouter {

    private static final Logger LOG = Logger.getLogger(EndpointRouter.class);

    private final ModelCatalog catalog;
    private final MeterRegistry registry;
    private final ShadowTraffic shadowTraffic;
    private final ConcurrentMap<String, RoutedEndpoint> endpoints = new ConcurrentHashMap<>();
    private final Object changes = new Object();

    @Inject
    public EndpointRouter(ModelCatalog catalog, BatchQueues queues, MeterRegistry registry,
            RoutingConfig config) {
        this(catalog, queues, registry, new RoutingSettings(config.shadowQueueSize(),
                config.shadowThreads(), config.shadowTimeoutMillis()));
    }

    /** A router whose shadow copies are carried as {@code settings} say. */
    public EndpointRouter(ModelCatalog catalog, BatchQueues queues, MeterRegistry registry,
            RoutingSettings settings) {
        this.catalog = catalog;
        this.registry = registry;
        this.shadowTraffic = new ShadowTraffic(catalog, queues, settings);
        LOG.infof("routing settings=%s", settings);
    }

    /**
     * The route of a request naming {@code name}.
     *
     * @param version the version the request names; not 0 bypasses endpoints
     * @param routingKey computed only when {@code name} is an endpoint; empty picks at random
     * @throws InferenceException NOT_FOUND when the model or the variant's version is not
     *     loaded (counted as an error of that variant)
     */
    public Route route(String name, long version, Supplier<String> routingKey) {
        RoutedEndpoint endpoint = version == 0 ? endpoints.get(name) : null;
        if (endpoint == null) {
            return Route.direct(catalog.resolve(name, version));
        }

        long startNanos = System.nanoTime();
        RoutedEndpoint.VariantState variant = endpoint.pick(routingKey.get());
        ServingModel model;
        try {
            model = variant.variant.target().resolve(catalog);
        } catch (InferenceException e) {
            endpoint.record(variant, true, System.nanoTime() - startNanos, System.nanoTime());
            throw e;
        }
        return Route.through(endpoint, variant, model, shadowTraffic, startNanos);
    }

    /**
     * Creates or replaces an endpoint; its figures start from zero.
     *
     * @throws InferenceException NOT_FOUND naming the first variant whose version is not loaded
     */
    public RoutingSnapshots.Endpoint set(EndpointDefinition definition) {
        for (int i = 0; i < definition.variants().size(); i++) {
            EndpointDefinition.Variant variant = definition.variants().get(i);
            try {
                variant.target().resolve(catalog);
            } catch (InferenceException e) {
                throw new InferenceException(e.reason(), "variants[" + i + "] ('"
                        + variant.name() + "'): " + e.getMessage(), e);
            }
        }

        RoutedEndpoint routed;
        synchronized (changes) {
            RoutedEndpoint replaced = endpoints.get(definition.name());
            if (replaced != null) {
                replaced.removeMeters(registry);
            }
            routed = new RoutedEndpoint(definition, registry, System.nanoTime());
            endpoints.put(definition.name(), routed);
        }
        LOG.infof("endpoint set endpoint=%s variants=%d shadows=%d canary=%s",
                definition.name(), definition.variants().size(), definition.shadows().size(),
                definition.canary() == null ? "none" : definition.canary().variant());
        return routed.snapshot(System.nanoTime());
    }

    /**
     * An endpoint's definition and figures.
     *
     * @throws InferenceException NOT_FOUND when no endpoint has that name
     */
    public RoutingSnapshots.Endpoint get(String name) {
        return find(name).snapshot(System.nanoTime());
    }

    /** Every endpoint, by name. */
    public List<RoutingSnapshots.Endpoint> list() {
        List<RoutedEndpoint> all = new ArrayList<>(endpoints.values());
        all.sort(Comparator.comparing(endpoint -> endpoint.definition.name()));
        long nowNanos = System.nanoTime();
        return all.stream().map(endpoint -> endpoint.snapshot(nowNanos)).toList();
    }

    /**
     * Removes an endpoint; requests already routed finish.
     *
     * @throws InferenceException NOT_FOUND when no endpoint has that name
     */
    public void delete(String name) {
        synchronized (changes) {
            find(name).removeMeters(registry);
            endpoints.remove(name);
        }
        LOG.infof("endpoint deleted endpoint=%s", name);
    }

    @PreDestroy
    void shutdown() {
        shadowTraffic.shutdown();
    }

    private RoutedEndpoint find(String name) {
        RoutedEndpoint endpoint = endpoints.get(name);
        if (endpoint == null) {
            throw InferenceException.notFound("endpoint '" + name + "' does not exist");
        }
        return endpoint;
    }
}
