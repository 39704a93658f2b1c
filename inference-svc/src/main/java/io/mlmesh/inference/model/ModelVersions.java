package io.mlmesh.inference.model;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The loaded versions of one model and the one serving requests without a version. Immutable:
 * a load builds a new instance, which replaces the old one in a single atomic step.
 *
 * @param servingDefault the version used when a request names none; null in {@link #NONE}
 * @param byVersion every loaded version by number
 */
public record ModelVersions(ServingModel servingDefault, SortedMap<Long, ServingModel> byVersion) {

    /** The versions of a model being loaded for the first time: none. */
    static final ModelVersions NONE = new ModelVersions(null, Collections.emptySortedMap());

    public ModelVersions {
        byVersion = Collections.unmodifiableSortedMap(new TreeMap<>(byVersion));
    }

    /** This set with {@code model} added (replacing its number) and made the default. */
    ModelVersions with(ServingModel model) {
        TreeMap<Long, ServingModel> versions = new TreeMap<>(byVersion);
        versions.put(model.version(), model);
        return new ModelVersions(model, versions);
    }

    /**
     * This set without one version. When that was the default, the highest remaining version
     * becomes the default; without any version left, the set is {@link #NONE}.
     */
    ModelVersions without(long version) {
        TreeMap<Long, ServingModel> versions = new TreeMap<>(byVersion);
        ServingModel removed = versions.remove(version);
        if (versions.isEmpty()) {
            return NONE;
        }
        ServingModel nextDefault = removed == servingDefault
                ? versions.lastEntry().getValue()
                : servingDefault;
        return new ModelVersions(nextDefault, versions);
    }
}
