package io.mlmesh.inference.grpc;

import io.mlmesh.inference.CallerDeadline;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.batching.BatchQueue;
import io.mlmesh.inference.batching.BatchQueues;
import io.mlmesh.inference.model.AliasWatch;
import io.mlmesh.inference.model.ModelCatalog;
import io.mlmesh.inference.model.ModelLoader;
import io.mlmesh.inference.model.ModelSelector;
import io.mlmesh.inference.model.ModelVersions;
import io.mlmesh.inference.model.ServingModel;
import io.mlmesh.inference.model.SwapFailure;
import io.mlmesh.oip.ModelRepositoryParameter;
import io.mlmesh.oip.RepositoryIndexRequest;
import io.mlmesh.oip.RepositoryIndexResponse;
import io.mlmesh.oip.RepositoryIndexResponse.ModelIndex;
import io.mlmesh.oip.RepositoryModelLoadRequest;
import io.mlmesh.oip.RepositoryModelUnloadRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The OIP model-repository extension over mlmesh's one repository, the registry: index, load
 * and unload of model versions.
 *
 * <p>Unloading happens in three steps, in this order: the model stops following its alias when
 * its default goes (an alias move must not load it back), the catalog drops the versions (new
 * calls get NOT_FOUND at once), then each version's batch queue closes and is awaited: it
 * scores what it holds, so calls already in flight finish with scores. The wait is bounded by
 * the caller's deadline and the batching timeout, the longest any queued request may live.
 *
 * <p>Any thread may call any method; the unload wait blocks the calling worker thread.
 */
@ApplicationScoped
public class ModelRepository {

    static final String READY = "READY";
    static final String UNAVAILABLE = "UNAVAILABLE";
    static final String UNLOADED_REASON = "unloaded by RepositoryModelUnload";
    private static final String VERSION = "version";
    private static final String ALIAS = "alias";
    private static final String UNLOAD_DEPENDENTS = "unload_dependents";

    private static final Logger LOG = Logger.getLogger(ModelRepository.class);

    private final ModelCatalog catalog;
    private final BatchQueues queues;
    private final BiFunction<String, ModelSelector, ServingModel> loader;
    private final Consumer<String> unfollow;

    @Inject
    public ModelRepository(ModelCatalog catalog, BatchQueues queues, ModelLoader loader,
            AliasWatch aliasWatch) {
        this(catalog, queues, loader::load, aliasWatch::unfollow);
    }

    /**
     * A repository with explicit collaborators.
     *
     * @param loader loads a version from the registry and installs it in the catalog
     * @param unfollow stops a model's alias watch
     */
    ModelRepository(ModelCatalog catalog, BatchQueues queues,
            BiFunction<String, ModelSelector, ServingModel> loader, Consumer<String> unfollow) {
        this.catalog = catalog;
        this.queues = queues;
        this.loader = loader;
        this.unfollow = unfollow;
    }

    /** Loaded versions (READY) and unloaded or refused ones (UNAVAILABLE, with the reason). */
    RepositoryIndexResponse index(RepositoryIndexRequest request) {
        checkRepository(request.getRepositoryName());

        List<ModelIndex> entries = new ArrayList<>();
        for (ModelVersions versions : catalog.list()) {
            versions.byVersion().keySet().forEach(version -> entries.add(
                    entry(versions.servingDefault().name(), version, READY, "")));
        }
        if (!request.getReady()) {
            entries.addAll(unavailable());
        }
        entries.sort((a, b) -> a.getName().equals(b.getName())
                ? Long.compare(Long.parseLong(a.getVersion()), Long.parseLong(b.getVersion()))
                : a.getName().compareTo(b.getName()));
        return RepositoryIndexResponse.newBuilder().addAllModels(entries).build();
    }

    /**
     * Loads a version through the registry loader and makes it the default: parameter
     * {@code version} (a number) or {@code alias}, else the newest version.
     */
    ServingModel load(RepositoryModelLoadRequest request) {
        checkRepository(request.getRepositoryName());
        checkModelName(request.getModelName());
        Map<String, ModelRepositoryParameter> parameters = request.getParametersMap();
        checkKnown(parameters, Set.of(VERSION, ALIAS), "RepositoryModelLoad");

        return loader.apply(request.getModelName(), selectorOf(parameters));
    }

    /**
     * Unloads every version of a model, or the one named by parameter {@code version}, and
     * waits until the calls already queued for them are answered.
     *
     * @throws InferenceException NOT_FOUND for a model or version not loaded; DEADLINE_EXCEEDED
     *     when the queues did not drain in time (the versions are unloaded all the same)
     */
    void unload(RepositoryModelUnloadRequest request) {
        checkRepository(request.getRepositoryName());
        checkModelName(request.getModelName());
        Map<String, ModelRepositoryParameter> parameters = request.getParametersMap();
        checkKnown(parameters, Set.of(VERSION, UNLOAD_DEPENDENTS), "RepositoryModelUnload");
        checkUnloadDependents(parameters.get(UNLOAD_DEPENDENTS));

        String name = request.getModelName();
        long version = versionOf(parameters.get(VERSION));
        catalog.resolve(name, version);
        if (version == 0 || catalog.resolve(name, 0).version() == version) {
            unfollow.accept(name);
        }
        List<ServingModel> removed = catalog.unload(name, version);
        List<BatchQueue> draining = new ArrayList<>();
        removed.forEach(model -> queues.close(model).ifPresent(draining::add));
        awaitDrained(name, removed, draining);
    }

    private void awaitDrained(String name, List<ServingModel> removed,
            List<BatchQueue> draining) {
        long limitMillis = Math.min(queues.policyOf(name).timeoutMillis(),
                TimeUnit.NANOSECONDS.toMillis(CallerDeadline.remainingNanos()));
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMillis);
        for (BatchQueue queue : draining) {
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (!awaitTermination(queue, Math.max(leftMillis, 1))) {
                LOG.warnf("model unloaded but queue still draining model=%s waitedMillis=%d",
                        name, limitMillis);
                throw InferenceException.deadlineExceeded("model '" + name
                        + "' is unloaded and refuses new calls, but its batch queue still held "
                        + "calls in flight after " + limitMillis + " ms");
            }
        }
        LOG.infof("model unloaded model=%s versions=%s drainedQueues=%d", name,
                removed.stream().map(ServingModel::version).toList(), draining.size());
    }

    private static boolean awaitTermination(BatchQueue queue, long timeoutMillis) {
        try {
            return queue.awaitTermination(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException(InferenceException.Reason.UNAVAILABLE,
                    "interrupted while waiting for unloaded calls to finish", e);
        }
    }

    private List<ModelIndex> unavailable() {
        List<ModelIndex> entries = new ArrayList<>();
        catalog.unloaded().forEach((name, versions) -> versions.forEach(version ->
                entries.add(entry(name, version, UNAVAILABLE, UNLOADED_REASON))));
        for (ModelVersions versions : catalog.list()) {
            String name = versions.servingDefault().name();
            Optional<SwapFailure> refused = catalog.swapFailureOf(name);
            if (refused.isPresent() && isUnlisted(versions, catalog.unloaded().get(name),
                    refused.get().version())) {
                entries.add(entry(name, refused.get().version(), UNAVAILABLE,
                        refused.get().reason()));
            }
        }
        return entries;
    }

    private static boolean isUnlisted(ModelVersions loaded, SortedSet<Long> unloaded,
            long version) {
        return !loaded.byVersion().containsKey(version)
                && (unloaded == null || !unloaded.contains(version));
    }

    private static ModelIndex entry(String name, long version, String state, String reason) {
        return ModelIndex.newBuilder()
                .setName(name)
                .setVersion(Long.toString(version))
                .setState(state)
                .setReason(reason)
                .build();
    }

    private static void checkRepository(String repositoryName) {
        if (!repositoryName.isEmpty()) {
            throw InferenceException.notFound("repository_name '" + repositoryName
                    + "' is not a repository here: models load from the one registry; "
                    + "leave repository_name empty");
        }
    }

    private static void checkModelName(String modelName) {
        if (modelName.isBlank()) {
            throw InferenceException.invalid("model_name is empty");
        }
    }

    private static void checkKnown(Map<String, ModelRepositoryParameter> parameters,
            Set<String> known, String rpc) {
        for (String key : parameters.keySet()) {
            if (!known.contains(key)) {
                throw InferenceException.invalid("parameters[\"" + key + "\"] is not supported; "
                        + rpc + " takes " + known.stream().sorted().toList());
            }
        }
    }

    private static void checkUnloadDependents(ModelRepositoryParameter parameter) {
        if (parameter != null && parameter.getParameterChoiceCase()
                != ModelRepositoryParameter.ParameterChoiceCase.BOOL_PARAM) {
            throw InferenceException.invalid("parameters[\"" + UNLOAD_DEPENDENTS
                    + "\"] must be a bool, got " + choiceOf(parameter));
        }
    }

    private static ModelSelector selectorOf(Map<String, ModelRepositoryParameter> parameters) {
        ModelRepositoryParameter alias = parameters.get(ALIAS);
        long version = versionOf(parameters.get(VERSION));
        if (alias == null) {
            return version == 0 ? ModelSelector.newest() : ModelSelector.ofVersion(version);
        }
        if (version != 0) {
            throw InferenceException.invalid("parameters \"version\" and \"alias\" are both set;"
                    + " give one");
        }
        if (!alias.hasStringParam() || alias.getStringParam().isBlank()) {
            throw InferenceException.invalid("parameters[\"alias\"] must be a non-empty string,"
                    + " got " + choiceOf(alias));
        }
        return ModelSelector.ofAlias(alias.getStringParam());
    }

    /** Parameter {@code version}: an int64, or a string of digits; 0 when absent. */
    private static long versionOf(ModelRepositoryParameter parameter) {
        if (parameter == null) {
            return 0;
        }

        String field = "parameters[\"" + VERSION + "\"]";
        long version = switch (parameter.getParameterChoiceCase()) {
            case INT64_PARAM -> parameter.getInt64Param();
            case STRING_PARAM -> parseDigits(parameter.getStringParam(), field);
            default -> throw InferenceException.invalid(field
                    + " must be an int64 or a string of digits, got " + choiceOf(parameter));
        };
        if (version < 1) {
            throw InferenceException.invalid(field + " must be at least 1, got " + version);
        }
        return version;
    }

    private static long parseDigits(String text, String field) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw InferenceException.invalid(field + " '" + text + "' is not a version number");
        }
    }

    private static String choiceOf(ModelRepositoryParameter parameter) {
        return parameter.getParameterChoiceCase().name().toLowerCase();
    }
}
