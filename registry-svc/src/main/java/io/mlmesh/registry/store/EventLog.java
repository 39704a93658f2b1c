package io.mlmesh.registry.store;

import io.mlmesh.registry.events.EventKind;
import io.mlmesh.registry.events.RegistryEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The event table and the revision counter, used inside the store's transactions.
 *
 * <p>{@link #lockHead} increments or locks the single counter row, and every writing
 * transaction calls it first: writes commit one at a time in revision order, so a reader that
 * sees revision r also sees every revision below it. A rolled-back write returns its revision
 * with it, so committed revisions have no holes. Taking this lock before any other also rules
 * out deadlocks between writers.
 */
final class EventLog {

  private static final String EVENT_COLUMNS = "revision, kind, model, version, alias, created_at";

  private EventLog() {}

  /** Takes the write lock and returns the next revision, to be used by this transaction. */
  static long nextRevision(Connection connection) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE registry_revision SET revision = revision + 1 WHERE id = 1")) {
      update.executeUpdate();
    }
    return head(connection);
  }

  /** Takes the write lock without a new revision, so that no write commits meanwhile. */
  static long lockHead(Connection connection) throws SQLException {
    return readHead(connection, " FOR UPDATE");
  }

  /** The last committed revision, as this transaction sees it. */
  static long head(Connection connection) throws SQLException {
    return readHead(connection, "");
  }

  /** Sets the counter; used by a restore, under {@link #lockHead}. */
  static void setHead(Connection connection, long revision) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE registry_revision SET revision = ? WHERE id = 1")) {
      update.setLong(1, revision);
      update.executeUpdate();
    }
  }

  /** Writes an event row with a revision from {@link #nextRevision}. */
  static RegistryEvent insert(Connection connection, long revision, EventKind kind,
      String model, long version, String alias, Instant at) throws SQLException {
    RegistryEvent event = new RegistryEvent(revision, kind, model, version, alias, at);
    insert(connection, event);
    return event;
  }

  /** Writes an event row as it is. */
  static void insert(Connection connection, RegistryEvent event) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO registry_events (" + EVENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, event.revision());
      insert.setString(2, event.kind().name());
      insert.setString(3, event.model());
      insert.setLong(4, event.version());
      insert.setString(5, event.alias());
      insert.setObject(6, event.timestamp().atOffset(ZoneOffset.UTC));
      insert.executeUpdate();
    }
  }

  /**
   * Events with {@code afterRevision < revision <= upToRevision}, oldest first, at most
   * {@code limit}; only those of {@code modelFilter} unless it is empty.
   */
  static List<RegistryEvent> read(Connection connection, long afterRevision, long upToRevision,
      String modelFilter, int limit) throws SQLException {
    String sql = "SELECT " + EVENT_COLUMNS + " FROM registry_events"
        + " WHERE revision > ? AND revision <= ?"
        + (modelFilter.isEmpty() ? "" : " AND model = ?")
        + " ORDER BY revision LIMIT " + limit;
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setLong(1, afterRevision);
      select.setLong(2, upToRevision);
      if (!modelFilter.isEmpty()) {
        select.setString(3, modelFilter);
      }
      try (ResultSet rows = select.executeQuery()) {
        List<RegistryEvent> events = new ArrayList<>();
        while (rows.next()) {
          events.add(readEvent(rows));
        }
        return events;
      }
    }
  }

  private static long readHead(Connection connection, String lockClause) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT revision FROM registry_revision WHERE id = 1" + lockClause);
        ResultSet rows = select.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static RegistryEvent readEvent(ResultSet rows) throws SQLException {
    return new RegistryEvent(
        rows.getLong("revision"),
        EventKind.valueOf(rows.getString("kind")),
        rows.getString("model"),
        rows.getLong("version"),
        rows.getString("alias"),
        rows.getObject("created_at", OffsetDateTime.class).toInstant());
  }
}
