package io.mlmesh.featurestore.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Settings of the feature store, read once at start-up. */
@ConfigMapping(prefix = "mlmesh.featurestore")
public interface FeatureStoreConfig {

  /** Folder holding the catalog database and the offline store; created when absent. */
  @WithDefault(".mlmesh/feature-store")
  String dataDir();

  /** Redis URL of the online store (redis://host:port); empty keeps values in process. */
  Optional<String> redisUrl();

  /** Prefix of every Redis key this service writes, so that several stores share a Redis. */
  @WithDefault("mlmesh:")
  String keyPrefix();
}
