package io.mlmesh.registry.store;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.mlmesh.registry.config.RegistryConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * The metadata database: a small Agroal pool over H2 (file) or PostgreSQL, migrated by Flyway.
 *
 * <p>Why not Quarkus datasources: their database kind is fixed at build time, while one packaged
 * registry must run on either store, chosen by {@code mlmesh.registry.jdbc-url} at start-up. The
 * driver class is picked from the URL and handed to Agroal, so no driver discovery through the
 * class path is needed.
 *
 * <p>Thread-safe: every call borrows its own connection.
 */
@Singleton
public class Database {

  /** Work done with one connection inside one transaction. */
  @FunctionalInterface
  public interface TransactionWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private static final Logger LOG = Logger.getLogger(Database.class);
  private static final int MAX_CONNECTIONS = 16;
  private static final Duration ACQUISITION_TIMEOUT = Duration.ofSeconds(10);
  /**
   * WRITE_DELAY=0: H2 otherwise writes commits to its file up to 500 ms later, so a registry
   * killed right after answering a registration lost that version (RegistryCrashProcessIT).
   */
  private static final String H2_OPTIONS =
      ";LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
  private static final String MIGRATIONS = "classpath:db/registry";

  private final AgroalDataSource dataSource;

  @Inject
  public Database(RegistryConfig config) throws SQLException {
    String url = config.jdbcUrl().orElseGet(() -> h2Url(config.dataDir()));
    StoreKind kind = StoreKind.of(url);
    this.dataSource =
        open(url, kind, config.jdbcUser().orElse(""), config.jdbcPassword().orElse(""));
    Flyway.configure(Database.class.getClassLoader())
        .dataSource(dataSource)
        .locations(MIGRATIONS)
        .load()
        .migrate();
    LOG.infof("metadata store ready store=%s", kind.label);
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
   *
   * @throws RegistryException STORE_UNAVAILABLE when no connection can be had or the database
   *     refused for a transient reason; an {@link IllegalStateException} for other SQL errors
   */
  public <T> T inTransaction(TransactionWork<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      return runAndCommit(connection, work);
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /** True when {@code e} says a unique key or primary key already held the value. */
  public static boolean isDuplicateKey(SQLException e) {
    return "23505".equals(e.getSQLState());
  }

  /** Closes the pool; called by the container at shutdown, or by whoever built this one. */
  @PreDestroy
  public void close() {
    dataSource.close();
  }

  private static <T> T runAndCommit(Connection connection, TransactionWork<T> work)
      throws SQLException {
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    }
  }

  private static RuntimeException translate(SQLException e) {
    String state = e.getSQLState();
    boolean transientFailure = e instanceof SQLTransientException
        || state == null
        || state.startsWith("08")
        || state.startsWith("40")
        || state.equals("57P01")
        || state.equals("HYT00");
    if (transientFailure) {
      return new RegistryException(RegistryException.Reason.STORE_UNAVAILABLE,
          "metadata store unavailable: " + e.getMessage(), e);
    }
    return new IllegalStateException("metadata store failed: " + e.getMessage(), e);
  }

  private static String h2Url(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("registry") + H2_OPTIONS;
  }

  private static AgroalDataSource open(String url, StoreKind kind, String user, String password)
      throws SQLException {
    var configuration = new AgroalDataSourceConfigurationSupplier()
        .connectionPoolConfiguration(pool -> pool
            .maxSize(MAX_CONNECTIONS)
            .acquisitionTimeout(ACQUISITION_TIMEOUT)
            .connectionFactoryConfiguration(factory -> factory
                .jdbcUrl(url)
                .connectionProviderClass(kind.driver)
                .principal(user.isEmpty() ? null : new NamePrincipal(user))
                .credential(password.isEmpty() ? null : new SimplePassword(password))));
    return AgroalDataSource.from(configuration);
  }

  /** The supported databases and their JDBC drivers. */
  private enum StoreKind {
    H2("h2", org.h2.Driver.class),
    POSTGRESQL("postgresql", org.postgresql.Driver.class);

    private final String label;
    private final Class<? extends Driver> driver;

    StoreKind(String label, Class<? extends Driver> driver) {
      this.label = label;
      this.driver = driver;
    }

    static StoreKind of(String url) {
      for (StoreKind kind : values()) {
        if (url.startsWith("jdbc:" + kind.label + ":")) {
          return kind;
        }
      }
      throw new IllegalArgumentException(
          "mlmesh.registry.jdbc-url: only jdbc:h2: and jdbc:postgresql: are supported, got "
              + url.substring(0, Math.min(url.length(), 20)));
    }
  }
}
