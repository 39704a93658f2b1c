package io.mlmesh.registry.store;

import static io.mlmesh.registry.store.Rows.execute;
import static io.mlmesh.registry.store.Rows.fromJson;
import static io.mlmesh.registry.store.Rows.instant;
import static io.mlmesh.registry.store.Rows.toJson;

import com.fasterxml.jackson.core.type.TypeReference;
import io.mlmesh.registry.events.EventHub;
import io.mlmesh.registry.events.EventKind;
import io.mlmesh.registry.events.RegistryEvent;
import io.mlmesh.registry.store.VersionSelector.ByAlias;
import io.mlmesh.registry.store.VersionSelector.ByNumber;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Models, versions and aliases in the metadata database, and the event log of their changes.
 *
 * <p>Every change runs in one transaction that first takes the registry's revision lock (see
 * {@link EventLog}) and ends by writing its event row, so a change and its event commit
 * together, changes commit one at a time in revision order, and writers cannot deadlock. Version
 * numbers are assigned from the model row ({@code latest_version} is the last number handed out,
 * never reused after a delete), so concurrent registrations of one model get 1..N without gaps
 * or duplicates. Version metadata is one JSON column: it is read and written whole and never
 * queried by field. After a commit the event goes to the {@link EventHub} for live watchers.
 *
 * <p>Thread-safe; each call runs in its own transaction.
 */
@Singleton
public class MetadataStore {

  private static final Logger LOG = Logger.getLogger(MetadataStore.class);
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<VersionMetadata> METADATA = new TypeReference<>() {};
  private static final String VERSION_COLUMNS = "v.model, v.version, v.artifact_sha256,"
      + " v.artifact_size_bytes, v.artifact_format, v.metadata_json, v.created_at";
  private static final String DELETE_ALIAS = "DELETE FROM aliases WHERE model = ? AND alias = ?";
  private static final String MODEL_COLUMNS = "m.name, m.description, m.tags_json, m.created_at,"
      + " (SELECT MAX(v.version) FROM model_versions v WHERE v.model = m.name) AS newest";

  /** Work of one change; returns its result and the event to record. */
  @FunctionalInterface
  private interface ChangeWork<T> {
    Change<T> run(Connection connection) throws SQLException;
  }

  /** The result of a change and its event, without a revision yet. */
  private record Change<T>(T result, EventKind kind, String model, long version, String alias) {}

  /** The result of a committed change and its recorded event. */
  private record Committed<T>(T result, RegistryEvent event) {}

  private final Database database;
  private final EventHub events;

  public MetadataStore(Database database, EventHub events) {
    this.database = database;
    this.events = events;
  }

  /**
   * Creates a model with no versions.
   *
   * @throws RegistryException ALREADY_EXISTS when the name is taken
   */
  public ModelRecord createModel(String name, String description, Map<String, String> tags) {
    Instant now = now();
    change(now, connection -> {
      insertModel(connection, name, description, tags, now);
      return new Change<>(null, EventKind.MODEL_CREATED, name, 0, "");
    });
    LOG.infof("model created model=%s", name);
    return new ModelRecord(name, description, Map.copyOf(tags), now, Map.of(), 0);
  }

  /** Returns the model; NOT_FOUND when it does not exist. */
  public ModelRecord getModel(String name) {
    return database.inTransaction(connection -> {
      ModelRecord model = findModel(connection, name);
      return withAliases(model, aliasesOfModel(connection, name));
    });
  }

  /** Returns every model, sorted by name. */
  public List<ModelRecord> listModels() {
    return database.inTransaction(connection -> {
      List<ModelRecord> models = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + MODEL_COLUMNS + " FROM models m ORDER BY m.name");
          ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ModelRecord model = readModel(rows);
          models.add(withAliases(model, aliasesOfModel(connection, model.name())));
        }
      }
      return models;
    });
  }

  /**
   * Makes a new version visible with the next number of its model, creating the model first
   * when it does not exist. The artifact must already be in the artifact store.
   */
  public VersionRecord insertVersion(String model, Artifact artifact, VersionMetadata metadata) {
    createModelIfMissing(model);
    Instant now = now();
    long version = change(now, connection -> {
      long next = lockModel(connection, model) + 1;
      insertVersionRow(connection, model, next, artifact, metadata, now);
      execute(connection, "UPDATE models SET latest_version = ? WHERE name = ?", next, model);
      return new Change<>(next, EventKind.VERSION_CREATED, model, next, "");
    });
    LOG.infof("version registered model=%s version=%d sha256=%s size_bytes=%d",
        model, version, artifact.sha256(), artifact.sizeBytes());
    return new VersionRecord(model, version, artifact, metadata, List.of(), now);
  }

  /** Returns the selected version; NOT_FOUND naming the model, version or alias. */
  public VersionRecord getVersion(String model, VersionSelector selector) {
    return database.inTransaction(connection -> {
      ModelRecord found = findModel(connection, model);
      return findVersion(connection, model, versionNumber(connection, found, selector));
    });
  }

  /** Returns every version of a model, oldest first; NOT_FOUND when the model is unknown. */
  public List<VersionRecord> listVersions(String model) {
    return database.inTransaction(connection -> {
      findModel(connection, model);
      Map<Long, List<String>> aliases = aliasesByVersion(connection, model);
      List<VersionRecord> versions = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement("SELECT " + VERSION_COLUMNS
          + " FROM model_versions v WHERE v.model = ? ORDER BY v.version")) {
        select.setString(1, model);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            versions.add(readVersion(rows, aliases));
          }
        }
      }
      return versions;
    });
  }

  /**
   * Versions matching {@code query}, by model name then number, at most {@code query.limit()}.
   * Conditions are checked here rather than in SQL: metadata is one JSON document, and H2 and
   * PostgreSQL query JSON differently; a registry holds thousands of versions, not millions.
   *
   * @throws RegistryException NOT_FOUND when the query names an unknown model
   */
  public List<VersionRecord> searchVersions(VersionQuery query) {
    return database.inTransaction(connection -> {
      if (!query.model().isEmpty()) {
        findModel(connection, query.model());
      }
      List<VersionRecord> matches = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement("SELECT " + VERSION_COLUMNS
          + " FROM model_versions v" + (query.model().isEmpty() ? "" : " WHERE v.model = ?")
          + " ORDER BY v.model, v.version")) {
        if (!query.model().isEmpty()) {
          select.setString(1, query.model());
        }
        try (ResultSet rows = select.executeQuery()) {
          while (matches.size() < query.limit() && rows.next()) {
            VersionRecord version = readVersion(rows, Map.of());
            if (query.matches(version.metadata())) {
              matches.add(version);
            }
          }
        }
      }
      List<VersionRecord> withAliases = new ArrayList<>();
      for (VersionRecord match : matches) {
        withAliases.add(findVersion(connection, match.model(), match.version()));
      }
      return withAliases;
    });
  }

  /** Points {@code alias} at {@code version}, moving it if needed; returns that version. */
  public VersionRecord setAlias(String model, String alias, long version) {
    VersionRecord target = change(now(), connection -> {
      lockModel(connection, model);
      findVersion(connection, model, version);
      execute(connection, DELETE_ALIAS, model, alias);
      execute(connection, "INSERT INTO aliases (model, alias, version) VALUES (?, ?, ?)",
          model, alias, version);
      VersionRecord moved = findVersion(connection, model, version);
      return new Change<>(moved, EventKind.ALIAS_SET, model, version, alias);
    });
    LOG.infof("alias set model=%s alias=%s version=%d", model, alias, version);
    return target;
  }

  /** Removes an alias and returns the version it pointed at; NOT_FOUND when absent. */
  public long deleteAlias(String model, String alias) {
    long version = change(now(), connection -> {
      lockModel(connection, model);
      long pointed = aliasTarget(connection, model, alias);
      execute(connection, DELETE_ALIAS, model, alias);
      return new Change<>(pointed, EventKind.ALIAS_DELETED, model, pointed, alias);
    });
    LOG.infof("alias deleted model=%s alias=%s version=%d", model, alias, version);
    return version;
  }

  /**
   * Applies {@code edit} to a model's description and tags and returns the model as it is now.
   *
   * @throws RegistryException NOT_FOUND when the model does not exist
   */
  public ModelRecord updateModel(String name, MetadataEdit edit) {
    ModelRecord updated = change(now(), connection -> {
      lockModel(connection, name);
      ModelRecord current = findModel(connection, name);
      execute(connection, "UPDATE models SET description = ?, tags_json = ? WHERE name = ?",
          edit.descriptionAfter(current.description()), toJson(edit.applyTo(current.tags())),
          name);
      ModelRecord changed = withAliases(findModel(connection, name),
          aliasesOfModel(connection, name));
      return new Change<>(changed, EventKind.MODEL_UPDATED, name, 0, "");
    });
    LOG.infof("model updated model=%s tags_set=%d tags_removed=%d", name,
        edit.setTags().size(), edit.removeTagKeys().size());
    return updated;
  }

  /**
   * Applies {@code edit} to a version's description and tags and returns the version as it is
   * now; its params, metrics, lineage and artifact stay as they are.
   *
   * @throws RegistryException NOT_FOUND for an unknown model or version
   */
  public VersionRecord updateVersion(String model, long version, MetadataEdit edit) {
    VersionRecord updated = change(now(), connection -> {
      lockModel(connection, model);
      VersionMetadata current = findVersion(connection, model, version).metadata();
      VersionMetadata edited = new VersionMetadata(current.params(), current.metrics(),
          edit.applyTo(current.tags()), edit.descriptionAfter(current.description()),
          current.lineage());
      execute(connection,
          "UPDATE model_versions SET metadata_json = ? WHERE model = ? AND version = ?",
          toJson(edited), model, version);
      VersionRecord changed = findVersion(connection, model, version);
      return new Change<>(changed, EventKind.VERSION_UPDATED, model, version, "");
    });
    LOG.infof("version updated model=%s version=%d tags_set=%d tags_removed=%d", model,
        version, edit.setTags().size(), edit.removeTagKeys().size());
    return updated;
  }

  /**
   * Deletes one version; its number is never handed out again.
   *
   * @throws RegistryException NOT_FOUND for an unknown model or version; PRECONDITION_FAILED
   *     naming the aliases that point at the version
   */
  public Deletion deleteVersion(String model, long version) {
    Deletion deletion = change(now(), connection -> {
      lockModel(connection, model);
      VersionRecord found = findVersion(connection, model, version);
      if (!found.aliases().isEmpty()) {
        throw RegistryException.precondition(String.format(
            "version %d of model '%s' is the target of alias(es) %s: move or delete them"
                + " first", version, model, quoted(found.aliases())));
      }
      execute(connection, "DELETE FROM model_versions WHERE model = ? AND version = ?",
          model, version);
      Deletion removed = new Deletion(1, Set.of(found.artifact().sha256()));
      return new Change<>(removed, EventKind.VERSION_DELETED, model, version, "");
    });
    LOG.infof("version deleted model=%s version=%d", model, version);
    return deletion;
  }

  /** Deletes a model with its versions and aliases; NOT_FOUND when it does not exist. */
  public Deletion deleteModel(String model) {
    Deletion deletion = change(now(), connection -> {
      lockModel(connection, model);
      Set<String> artifacts = new LinkedHashSet<>();
      long versionCount = 0;
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT artifact_sha256 FROM model_versions WHERE model = ?")) {
        select.setString(1, model);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            artifacts.add(rows.getString(1));
            versionCount++;
          }
        }
      }
      execute(connection, "DELETE FROM aliases WHERE model = ?", model);
      execute(connection, "DELETE FROM model_versions WHERE model = ?", model);
      execute(connection, "DELETE FROM models WHERE name = ?", model);
      Deletion removed = new Deletion(versionCount, Set.copyOf(artifacts));
      return new Change<>(removed, EventKind.MODEL_DELETED, model, 0, "");
    });
    LOG.infof("model deleted model=%s versions=%d", model, deletion.versionCount());
    return deletion;
  }

  /** True when any version of any model references the artifact. */
  public boolean isArtifactReferenced(String sha256) {
    return database.inTransaction(connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT 1 FROM model_versions WHERE artifact_sha256 = ? LIMIT 1")) {
        select.setString(1, sha256);
        try (ResultSet rows = select.executeQuery()) {
          return rows.next();
        }
      }
    });
  }

  /**
   * Committed events after {@code afterRevision}, oldest first, at most {@code limit}; only
   * those of {@code modelFilter} unless it is empty.
   */
  public EventPage readEvents(long afterRevision, String modelFilter, int limit) {
    return database.inTransaction(connection -> {
      long head = EventLog.head(connection);
      List<RegistryEvent> page =
          EventLog.read(connection, afterRevision, head, modelFilter, limit);
      if (page.size() < limit) {
        return new EventPage(page, Math.max(head, afterRevision), true);
      }
      return new EventPage(page, page.get(page.size() - 1).revision(), false);
    });
  }

  private <T> T change(Instant at, ChangeWork<T> work) {
    Committed<T> committed = database.inTransaction(connection -> {
      long revision = EventLog.nextRevision(connection);
      Change<T> change = work.run(connection);
      RegistryEvent event = EventLog.insert(connection, revision, change.kind(),
          change.model(), change.version(), change.alias(), at);
      return new Committed<>(change.result(), event);
    });
    events.publish(committed.event());
    return committed.result();
  }

  private void createModelIfMissing(String name) {
    try {
      createModel(name, "", Map.of());
    } catch (RegistryException e) {
      if (e.reason() != RegistryException.Reason.ALREADY_EXISTS) {
        throw e;
      }
    }
  }

  private static void insertModel(Connection connection, String name, String description,
      Map<String, String> tags, Instant createdAt) throws SQLException {
    try {
      execute(connection, "INSERT INTO models"
              + " (name, description, tags_json, created_at, latest_version)"
              + " VALUES (?, ?, ?, ?, 0)",
          name, description, toJson(tags), createdAt.atOffset(ZoneOffset.UTC));
    } catch (SQLException e) {
      if (Database.isDuplicateKey(e)) {
        throw new RegistryException(RegistryException.Reason.ALREADY_EXISTS,
            "model '" + name + "' already exists");
      }
      throw e;
    }
  }

  private static void insertVersionRow(Connection connection, String model, long version,
      Artifact artifact, VersionMetadata metadata, Instant createdAt) throws SQLException {
    execute(connection, "INSERT INTO model_versions"
            + " (model, version, artifact_sha256, artifact_size_bytes, artifact_format,"
            + " metadata_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        model, version, artifact.sha256(), artifact.sizeBytes(), artifact.format(),
        toJson(metadata), createdAt.atOffset(ZoneOffset.UTC));
  }

  private static ModelRecord findModel(Connection connection, String name)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT " + MODEL_COLUMNS + " FROM models m WHERE m.name = ?")) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw modelNotFound(name);
        }
        return readModel(rows);
      }
    }
  }

  /** Locks the model row and returns the last version number handed out. */
  private static long lockModel(Connection connection, String name) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT latest_version FROM models WHERE name = ? FOR UPDATE")) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw modelNotFound(name);
        }
        return rows.getLong(1);
      }
    }
  }

  private static RegistryException modelNotFound(String name) {
    return RegistryException.notFound("model '" + name + "' not found");
  }

  private static long versionNumber(Connection connection, ModelRecord model,
      VersionSelector selector) throws SQLException {
    if (selector instanceof ByNumber byNumber) {
      return byNumber.version();
    }
    if (selector instanceof ByAlias byAlias) {
      return aliasTarget(connection, model.name(), byAlias.alias());
    }
    if (model.latestVersion() == 0) {
      throw RegistryException.notFound("model '" + model.name() + "' has no versions");
    }
    return model.latestVersion();
  }

  private static long aliasTarget(Connection connection, String model, String alias)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT version FROM aliases WHERE model = ? AND alias = ?")) {
      select.setString(1, model);
      select.setString(2, alias);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw RegistryException.notFound(
              "model '" + model + "' has no alias '" + alias + "'");
        }
        return rows.getLong(1);
      }
    }
  }

  private static VersionRecord findVersion(Connection connection, String model, long version)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT " + VERSION_COLUMNS
        + " FROM model_versions v WHERE v.model = ? AND v.version = ?")) {
      select.setString(1, model);
      select.setLong(2, version);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw RegistryException.notFound(
              "model '" + model + "' has no version " + version);
        }
        return readVersion(rows, aliasesByVersion(connection, model));
      }
    }
  }

  private static Map<String, Long> aliasesOfModel(Connection connection, String model)
      throws SQLException {
    Map<String, Long> aliases = new TreeMap<>();
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT alias, version FROM aliases WHERE model = ?")) {
      select.setString(1, model);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          aliases.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return aliases;
  }

  private static Map<Long, List<String>> aliasesByVersion(Connection connection, String model)
      throws SQLException {
    Map<Long, List<String>> byVersion = new TreeMap<>();
    aliasesOfModel(connection, model).forEach((alias, version) ->
        byVersion.computeIfAbsent(version, v -> new ArrayList<>()).add(alias));
    return byVersion;
  }

  private static ModelRecord withAliases(ModelRecord model, Map<String, Long> aliases) {
    return new ModelRecord(model.name(), model.description(), model.tags(), model.createdAt(),
        Map.copyOf(aliases), model.latestVersion());
  }

  private static ModelRecord readModel(ResultSet rows) throws SQLException {
    return new ModelRecord(
        rows.getString("name"),
        rows.getString("description"),
        fromJson(rows.getString("tags_json"), STRING_MAP),
        instant(rows, "created_at"),
        Map.of(),
        rows.getLong("newest"));
  }

  private static VersionRecord readVersion(ResultSet rows, Map<Long, List<String>> aliases)
      throws SQLException {
    long version = rows.getLong("version");
    Artifact artifact = new Artifact(rows.getString("artifact_sha256"),
        rows.getLong("artifact_size_bytes"), rows.getString("artifact_format"));
    return new VersionRecord(
        rows.getString("model"),
        version,
        artifact,
        fromJson(rows.getString("metadata_json"), METADATA),
        List.copyOf(aliases.getOrDefault(version, List.of())),
        instant(rows, "created_at"));
  }

  private static String quoted(List<String> names) {
    return String.join(", ", names.stream().map(name -> "'" + name + "'").toList());
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
