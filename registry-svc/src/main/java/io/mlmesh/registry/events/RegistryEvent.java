package io.mlmesh.registry.events;

import java.time.Instant;

/**
 * One committed registry change.
 *
 * @param revision position in the registry's history: 1, 2, 3, ... in commit order
 * @param kind what changed
 * @param model the model concerned
 * @param version the version concerned; 0 when none
 * @param alias the alias concerned; empty when none
 * @param timestamp when the change was made
 */
public record RegistryEvent(
    long revision, EventKind kind, String model, long version, String alias,
    Instant timestamp) {

  /** True when a watcher of {@code modelFilter} (empty: every model) wants this event. */
  public boolean matches(String modelFilter) {
    return modelFilter.isEmpty() || modelFilter.equals(model);
  }
}
