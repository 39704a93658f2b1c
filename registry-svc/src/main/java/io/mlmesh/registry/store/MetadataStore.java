package io.mlmesh.registry.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlmesh.registry.store.VersionSelector.ByAlias;
import io.mlmesh.registry.store.VersionSelector.ByNumber;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Models, versions and aliases in the metadata database.
 *
 * <p>Version numbers are assigned under a row lock on the model ({@code SELECT ... FOR UPDATE}),
 * so concurrent registrations of one model serialise on that row and get 1..N without gaps or
 * duplicates; alias changes take the same lock, which makes a move atomic. Version metadata is
 * one JSON column: it is read and written whole and never queried by field.
 *
 * <p>Thread-safe; each call runs in its own transaction.
 */
@Singleton
public class MetadataStore {

  private static final Logger LOG = Logger.getLogger(MetadataStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<VersionMetadata> METADATA = new TypeReference<>() {};
  private static final String VERSION_COLUMNS = "v.model, v.version, v.artifact_sha256,"
      + " v.artifact_size_bytes, v.artifact_format, v.metadata_json, v.created_at";
  private static final String DELETE_ALIAS = "DELETE FROM aliases WHERE model = ? AND alias = ?";

  private final Database database;

  MetadataStore(Database database) {
    this.database = database;
  }

  /**
   * Creates a model with no versions.
   *
   * @throws RegistryException ALREADY_EXISTS when the name is taken
   */
  public ModelRecord createModel(String name, String description, Map<String, String> tags) {
    Instant now = now();
    database.inTransaction(connection -> {
      insertModel(connection, name, description, tags, now);
      return null;
    });
    LOG.infof("model created model=%s", name);
    return new ModelRecord(name, description, Map.copyOf(tags), now, Map.of(), 0);
  }

  /** Returns the model; NOT_FOUND when it does not exist. */
  public ModelRecord getModel(String name) {
    return database.inTransaction(connection -> {
      ModelRecord model = findModel(connection, name, false);
      return withAliases(model, aliasesOfModel(connection, name));
    });
  }

  /** Returns every model, sorted by name. */
  public List<ModelRecord> listModels() {
    return database.inTransaction(connection -> {
      List<ModelRecord> models = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT name, description, tags_json, created_at, latest_version FROM models"
              + " ORDER BY name");
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
    long version = database.inTransaction(connection -> {
      long next = findModel(connection, model, true).latestVersion() + 1;
      insertVersionRow(connection, model, next, artifact, metadata, now);
      execute(connection, "UPDATE models SET latest_version = ? WHERE name = ?", next, model);
      return next;
    });
    LOG.infof("version registered model=%s version=%d sha256=%s size_bytes=%d",
        model, version, artifact.sha256(), artifact.sizeBytes());
    return new VersionRecord(model, version, artifact, metadata, List.of(), now);
  }

  /** Returns the selected version; NOT_FOUND naming the model, version or alias. */
  public VersionRecord getVersion(String model, VersionSelector selector) {
    return database.inTransaction(connection -> {
      ModelRecord found = findModel(connection, model, false);
      return findVersion(connection, model, versionNumber(connection, found, selector));
    });
  }

  /** Returns every version of a model, oldest first; NOT_FOUND when the model is unknown. */
  public List<VersionRecord> listVersions(String model) {
    return database.inTransaction(connection -> {
      findModel(connection, model, false);
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

  /** Points {@code alias} at {@code version}, moving it if needed; returns that version. */
  public VersionRecord setAlias(String model, String alias, long version) {
    VersionRecord target = database.inTransaction(connection -> {
      findModel(connection, model, true);
      findVersion(connection, model, version);
      execute(connection, DELETE_ALIAS, model, alias);
      execute(connection, "INSERT INTO aliases (model, alias, version) VALUES (?, ?, ?)",
          model, alias, version);
      return findVersion(connection, model, version);
    });
    LOG.infof("alias set model=%s alias=%s version=%d", model, alias, version);
    return target;
  }

  /** Removes an alias and returns the version it pointed at; NOT_FOUND when absent. */
  public long deleteAlias(String model, String alias) {
    long version = database.inTransaction(connection -> {
      ModelRecord found = findModel(connection, model, true);
      long pointed = versionNumber(connection, found, new ByAlias(alias));
      execute(connection, DELETE_ALIAS, model, alias);
      return pointed;
    });
    LOG.infof("alias deleted model=%s alias=%s version=%d", model, alias, version);
    return version;
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

  private static void execute(Connection connection, String sql, Object... parameters)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      statement.executeUpdate();
    }
  }

  private static ModelRecord findModel(Connection connection, String name, boolean lock)
      throws SQLException {
    String sql = "SELECT name, description, tags_json, created_at, latest_version FROM models"
        + " WHERE name = ?" + (lock ? " FOR UPDATE" : "");
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw RegistryException.notFound("model '" + name + "' not found");
        }
        return readModel(rows);
      }
    }
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
        rows.getObject("created_at", OffsetDateTime.class).toInstant(),
        Map.of(),
        rows.getLong("latest_version"));
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
        rows.getObject("created_at", OffsetDateTime.class).toInstant());
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("metadata not serialisable: " + e.getMessage(), e);
    }
  }

  private static <T> T fromJson(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored metadata unreadable: " + e.getMessage(), e);
    }
  }
}
