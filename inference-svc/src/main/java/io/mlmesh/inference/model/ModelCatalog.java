package io.mlmesh.inference.model;

import io.mlmesh.inference.InferenceException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The loaded models. Each model has one {@link AtomicReference} to its immutable
 * {@link ModelVersions}: a load swaps it in one step, so a request sees either the old default
 * or the new one, never a mix, and a request already holding the old version finishes on it.
 *
 * <p>It also keeps, per model, the last refused hot swap ({@link SwapFailure}) until a later
 * swap succeeds, so that ListModels shows why an alias move did not take effect.
 *
 * <p>Unloading ({@link #unload}) swaps the same reference, and the catalog remembers the
 * unloaded versions so that RepositoryIndex can list them as unavailable.
 *
 * <p>Any thread may call any method; reads take no lock.
 */
@ApplicationScoped
public class ModelCatalog {

    private final ConcurrentMap<String, AtomicReference<ModelVersions>> models =
            new ConcurrentHashMap<>();
    private final ConcurrentMap<String, SwapFailure> swapFailures = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Set<Long>> unloaded = new ConcurrentHashMap<>();

    /** Adds a loaded version and makes it the model's default. */
    public void install(ServingModel model) {
        models.computeIfAbsent(model.name(), name -> new AtomicReference<>(ModelVersions.NONE))
                .updateAndGet(current -> current.with(model));
        unloaded.computeIfPresent(model.name(), (name, versions) -> {
            versions.remove(model.version());
            return versions.isEmpty() ? null : versions;
        });
    }

    /**
     * Removes loaded versions: new requests for them get NOT_FOUND at once, and requests
     * already holding one finish on it. Removing the default makes the highest remaining
     * version the default. Removed versions are remembered as unloaded until loaded again.
     *
     * @param version the version number, 0 for every version of the model
     * @return the removed versions
     * @throws InferenceException NOT_FOUND naming the model or version
     */
    public List<ServingModel> unload(String name, long version) {
        ModelVersions loaded = versionsOf(name);
        if (version != 0 && !loaded.byVersion().containsKey(version)) {
            throw InferenceException.notFound("model '" + name + "' version " + version
                    + " is not loaded; loaded versions: " + loaded.byVersion().keySet());
        }

        List<ServingModel> removed = new ArrayList<>();
        models.get(name).updateAndGet(current -> {
            removed.clear();
            ModelVersions remaining = current;
            for (ServingModel model : current.byVersion().values()) {
                if (version == 0 || model.version() == version) {
                    removed.add(model);
                    remaining = remaining.without(model.version());
                }
            }
            return remaining;
        });
        removed.forEach(model -> unloaded.computeIfAbsent(name,
                key -> new ConcurrentSkipListSet<>()).add(model.version()));
        return removed;
    }

    /** The versions unloaded and not loaded again since, by model name. */
    public SortedMap<String, SortedSet<Long>> unloaded() {
        SortedMap<String, SortedSet<Long>> all = new TreeMap<>();
        unloaded.forEach((name, versions) -> all.put(name, new TreeSet<>(versions)));
        return all;
    }

    /**
     * The version that serves a request.
     *
     * @param version the version number, 0 for the model's default
     * @throws InferenceException NOT_FOUND naming the model or version
     */
    public ServingModel resolve(String name, long version) {
        ModelVersions versions = versionsOf(name);
        if (version == 0) {
            return versions.servingDefault();
        }

        ServingModel model = versions.byVersion().get(version);
        if (model == null) {
            throw InferenceException.notFound("model '" + name + "' version " + version
                    + " is not loaded; loaded versions: " + versions.byVersion().keySet());
        }
        return model;
    }

    /**
     * The loaded versions of a model.
     *
     * @throws InferenceException NOT_FOUND when the model is not loaded
     */
    public ModelVersions versionsOf(String name) {
        AtomicReference<ModelVersions> reference = models.get(name);
        ModelVersions versions = reference == null ? ModelVersions.NONE : reference.get();
        if (versions.servingDefault() == null) {
            throw InferenceException.notFound("model '" + name + "' is not loaded");
        }
        return versions;
    }

    /** Records that a model's alias moved to a version that could not be loaded. */
    public void recordSwapFailure(String name, SwapFailure failure) {
        swapFailures.put(name, failure);
    }

    /** Forgets a model's refused swap once its alias target serves. */
    public void clearSwapFailure(String name) {
        swapFailures.remove(name);
    }

    /** The model's last refused swap since its alias target last served, if any. */
    public Optional<SwapFailure> swapFailureOf(String name) {
        return Optional.ofNullable(swapFailures.get(name));
    }

    /** Every loaded model's versions, by model name. */
    public List<ModelVersions> list() {
        List<ModelVersions> all = new ArrayList<>();
        models.values().forEach(versions -> all.add(versions.get()));
        all.removeIf(versions -> versions.servingDefault() == null);
        all.sort((a, b) -> a.servingDefault().name().compareTo(b.servingDefault().name()));
        return all;
    }
}
