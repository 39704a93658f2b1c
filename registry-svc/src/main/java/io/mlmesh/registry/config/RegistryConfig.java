package io.mlmesh.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
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

  /** Who may change the registry. */
  Auth auth();

  /**
   * Bearer tokens and their roles, usually from a Kubernetes secret through the environment
   * ({@code MLMESH_REGISTRY_AUTH_WRITER_TOKENS}, {@code MLMESH_REGISTRY_AUTH_ADMIN_TOKENS}).
   * When neither list names a token, every call is allowed (the local demo).
   */
  interface Auth {

    /** Tokens with the writer role: register, alias moves, version deletes. */
    Optional<List<String>> writerTokens();

    /** Tokens with the admin role, which includes writer: model deletes, backup, restore. */
    Optional<List<String>> adminTokens();
  }
}
