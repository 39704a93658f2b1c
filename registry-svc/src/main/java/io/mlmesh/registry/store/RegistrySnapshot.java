package io.mlmesh.registry.store;

import io.mlmesh.registry.events.RegistryEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Every row of the metadata database as of one revision: what a backup holds.
 *
 * @param revision the last revision included
 * @param models models, by name
 * @param versions versions, by model and number
 * @param aliases aliases, by model and name
 * @param events the event log, oldest first
 */
public record RegistrySnapshot(
    long revision,
    List<ModelRow> models,
    List<VersionRow> versions,
    List<AliasRow> aliases,
    List<RegistryEvent> events) {

  /**
   * A model row.
   *
   * @param lastVersion the last version number handed out, kept so numbers are never reused
   */
  public record ModelRow(String name, String description, Map<String, String> tags,
      Instant createdAt, long lastVersion) {}

  /** A version row. */
  public record VersionRow(String model, long version, Artifact artifact,
      VersionMetadata metadata, Instant createdAt) {}

  /** An alias row. */
  public record AliasRow(String model, String alias, long version) {}
}
