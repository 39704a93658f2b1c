package io.mlmesh.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings of the registry, read once at start-up from {@code mlmesh.registry.*}.
 *
 * <p>Metadata lives in an H2 file database under {@link #dataDir()} unless {@link #jdbcUrl()}
 * names another database (PostgreSQL); artifacts always live under {@link #dataDir()}.
 */
@ConfigMapping(prefix = "mlmesh.registry")
public interface RegistryConfig {

  /** Folder for artifacts, upload temp files and the default H2 database. */
  @WithDefault(".mlmesh/registry")
  Path dataDir();

  /** JDBC URL of the metadata database; absent: H2 file {@code <data-dir>/registry}. */
  Optional<String> jdbcUrl();

  /** Database user; absent: none (H2 default user, or PostgreSQL trust). */
  Optional<String> jdbcUser();

  /** Database password; absent: none. */
  Optional<String> jdbcPassword();
}
