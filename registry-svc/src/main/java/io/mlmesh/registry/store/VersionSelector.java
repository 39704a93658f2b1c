package io.mlmesh.registry.store;

/** How a request picks one version of a model. */
public sealed interface VersionSelector {

  /** The version with this number (1 or more). */
  record ByNumber(long version) implements VersionSelector {}

  /** The version an alias points at. */
  record ByAlias(String alias) implements VersionSelector {}

  /** The highest version number. */
  record Latest() implements VersionSelector {}
}
