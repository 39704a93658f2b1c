package io.mlmesh.registry.store;

import static io.mlmesh.registry.store.Rows.execute;
import static io.mlmesh.registry.store.Rows.fromJson;
import static io.mlmesh.registry.store.Rows.instant;
import static io.mlmesh.registry.store.Rows.toJson;

import com.fasterxml.jackson.core.type.TypeReference;
import io.mlmesh.registry.events.RegistryEvent;
import io.mlmesh.registry.store.RegistrySnapshot.AliasRow;
import io.mlmesh.registry.store.RegistrySnapshot.ModelRow;
import io.mlmesh.registry.store.RegistrySnapshot.VersionRow;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Reads and writes the whole metadata database at once, for backup and restore.
 *
 * <p>A snapshot is read in one transaction holding the revision lock (see {@link EventLog}):
 * writers wait for the few milliseconds the reads take, and the rows are consistent with each
 * other and with the revision whatever isolation level the database uses. Reads go on. A restore
 * writes everything in one transaction under the same lock, after checking that the registry
 * never recorded anything, so it is all or nothing.
 *
 * <p>Thread-safe.
 */
@Singleton
public class SnapshotStore {

  private static final Logger LOG = Logger.getLogger(SnapshotStore.class);
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<VersionMetadata> METADATA = new TypeReference<>() {};
  private static final int EVENT_PAGE = 10_000;

  private final Database database;

  public SnapshotStore(Database database) {
    this.database = database;
  }

  /** Every row as of the current revision. */
  public RegistrySnapshot take() {
    return database.inTransaction(connection -> {
      long revision = EventLog.lockHead(connection);
      return new RegistrySnapshot(revision, readModels(connection), readVersions(connection),
          readAliases(connection), readEvents(connection, revision));
    });
  }

  /**
   * Refuses with PRECONDITION_FAILED unless the registry never recorded a change; a cheap check
   * before a restore copies files, repeated by {@link #restore}.
   */
  public void requireEmpty() {
    database.inTransaction(connection -> {
      requireEmpty(connection);
      return null;
    });
  }

  /**
   * Writes every row of {@code snapshot} into an empty registry, in one transaction.
   *
   * @throws RegistryException PRECONDITION_FAILED when the registry is not empty
   */
  public void restore(RegistrySnapshot snapshot) {
    database.inTransaction(connection -> {
      EventLog.lockHead(connection);
      requireEmpty(connection);
      for (ModelRow model : snapshot.models()) {
        execute(connection, "INSERT INTO models (name, description, tags_json, created_at,"
            + " latest_version) VALUES (?, ?, ?, ?, ?)", model.name(), model.description(),
            toJson(model.tags()), utc(model.createdAt()), model.lastVersion());
      }
      for (VersionRow version : snapshot.versions()) {
        execute(connection, "INSERT INTO model_versions (model, version, artifact_sha256,"
            + " artifact_size_bytes, artifact_format, metadata_json, created_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)", version.model(), version.version(),
            version.artifact().sha256(), version.artifact().sizeBytes(),
            version.artifact().format(), toJson(version.metadata()), utc(version.createdAt()));
      }
      for (AliasRow alias : snapshot.aliases()) {
        execute(connection, "INSERT INTO aliases (model, alias, version) VALUES (?, ?, ?)",
            alias.model(), alias.alias(), alias.version());
      }
      for (RegistryEvent event : snapshot.events()) {
        EventLog.insert(connection, event);
      }
      EventLog.setHead(connection, snapshot.revision());
      return null;
    });
    LOG.infof("metadata restored revision=%d models=%d versions=%d", snapshot.revision(),
        snapshot.models().size(), snapshot.versions().size());
  }

  private static void requireEmpty(Connection connection) throws SQLException {
    long revision = EventLog.head(connection);
    long models = count(connection, "SELECT COUNT(*) FROM models");
    if (revision != 0 || models != 0) {
      throw RegistryException.precondition(String.format(
          "restore: the registry is not empty (models=%d revision=%d); restore into a fresh"
              + " registry", models, revision));
    }
  }

  private static List<ModelRow> readModels(Connection connection) throws SQLException {
    List<ModelRow> models = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement("SELECT name, description,"
        + " tags_json, created_at, latest_version FROM models ORDER BY name");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        models.add(new ModelRow(rows.getString(1), rows.getString(2),
            fromJson(rows.getString(3), STRING_MAP), instant(rows, "created_at"),
            rows.getLong(5)));
      }
    }
    return models;
  }

  private static List<VersionRow> readVersions(Connection connection) throws SQLException {
    List<VersionRow> versions = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement("SELECT model, version,"
        + " artifact_sha256, artifact_size_bytes, artifact_format, metadata_json, created_at"
        + " FROM model_versions ORDER BY model, version");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        Artifact artifact =
            new Artifact(rows.getString(3), rows.getLong(4), rows.getString(5));
        versions.add(new VersionRow(rows.getString(1), rows.getLong(2), artifact,
            fromJson(rows.getString(6), METADATA),
            instant(rows, "created_at")));
      }
    }
    return versions;
  }

  private static List<AliasRow> readAliases(Connection connection) throws SQLException {
    List<AliasRow> aliases = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT model, alias, version FROM aliases ORDER BY model, alias");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        aliases.add(new AliasRow(rows.getString(1), rows.getString(2), rows.getLong(3)));
      }
    }
    return aliases;
  }

  private static List<RegistryEvent> readEvents(Connection connection, long revision)
      throws SQLException {
    List<RegistryEvent> events = new ArrayList<>();
    long after = 0;
    List<RegistryEvent> page;
    do {
      page = EventLog.read(connection, after, revision, "", EVENT_PAGE);
      events.addAll(page);
      after = page.isEmpty() ? revision : page.get(page.size() - 1).revision();
    } while (page.size() == EVENT_PAGE);
    return events;
  }

  private static long count(Connection connection, String sql) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql);
        ResultSet rows = select.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
