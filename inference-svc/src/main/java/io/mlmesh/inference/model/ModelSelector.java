package io.mlmesh.inference.model;

import io.mlmesh.registry.v1.VersionSelector;

/**
 * Which registry version of a model to load: a number, an alias, or the newest.
 *
 * @param version the version number, 0 unless chosen by number
 * @param alias the alias, empty unless chosen by alias
 */
public record ModelSelector(long version, String alias) {

    public static ModelSelector newest() {
        return new ModelSelector(0, "");
    }

    public static ModelSelector ofVersion(long version) {
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, got " + version);
        }
        return new ModelSelector(version, "");
    }

    public static ModelSelector ofAlias(String alias) {
        if (alias.isBlank()) {
            throw new IllegalArgumentException("alias is empty");
        }
        return new ModelSelector(0, alias);
    }

    /** The registry's form of this choice. */
    VersionSelector toRegistry() {
        if (version > 0) {
            return VersionSelector.newBuilder().setVersion(version).build();
        }
        if (!alias.isEmpty()) {
            return VersionSelector.newBuilder().setAlias(alias).build();
        }
        return VersionSelector.newBuilder().setLatest(true).build();
    }

    @Override
    public String toString() {
        if (version > 0) {
            return "version " + version;
        }
        return alias.isEmpty() ? "newest version" : "alias '" + alias + "'";
    }
}
