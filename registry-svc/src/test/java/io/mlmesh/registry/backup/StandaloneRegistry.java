package io.mlmesh.registry.backup;

import io.mlmesh.registry.config.RegistryConfig;
import io.mlmesh.registry.events.EventHub;
import io.mlmesh.registry.store.ArtifactStore;
import io.mlmesh.registry.store.Database;
import io.mlmesh.registry.store.MetadataStore;
import io.mlmesh.registry.store.SnapshotStore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The registry's stores wired by hand, without Quarkus, over one data folder and database. */
final class StandaloneRegistry implements AutoCloseable {

  final Database database;
  final MetadataStore metadata;
  final ArtifactStore artifacts;
  final SnapshotStore snapshots;
  final BackupService backups;

  /** Metadata in {@code jdbcUrl}, or an H2 file under {@code dataDir} when it is empty. */
  StandaloneRegistry(Path dataDir, String jdbcUrl) throws SQLException {
    database = new Database(new Config(dataDir, Optional.of(jdbcUrl).filter(u -> !u.isEmpty()),
        Optional.of("postgres").filter(u -> !jdbcUrl.isEmpty())));
    metadata = new MetadataStore(database, new EventHub());
    artifacts = new ArtifactStore(dataDir);
    snapshots = new SnapshotStore(database);
    backups = new BackupService(snapshots, artifacts);
  }

  @Override
  public void close() {
    database.close();
  }

  /** Settings of a hand-wired registry; access control is off. */
  private record Config(Path dataDir, Optional<String> jdbcUrl, Optional<String> jdbcUser)
      implements RegistryConfig {

    @Override
    public Optional<String> jdbcPassword() {
      return Optional.empty();
    }

    @Override
    public Auth auth() {
      return new Auth() {
        @Override
        public Optional<List<String>> writerTokens() {
          return Optional.empty();
        }

        @Override
        public Optional<List<String>> adminTokens() {
          return Optional.empty();
        }
      };
    }
  }
}
