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

  /** Handling of personal data. */
  Pii pii();

  /** Checks at ingestion. */
  Ingestion ingestion();

  /** Settings of personal data handling. */
  interface Pii {

    /** Key of the KEYED_HASH privacy policy (HMAC-SHA-256); never logged. Empty refuses it. */
    Optional<String> hmacKey();
  }

  /** Settings of ingestions (registrations with expectations, privacy, consent or JDBC). */
  interface Ingestion {

    /** Share of failing rows above which a batch is refused, when the request sets none. */
    @WithDefault("0.1")
    double maxFailedShare();

    /** Streaming ingestion (IngestStream). */
    Stream stream();
  }

  /** Settings of IngestStream. */
  interface Stream {

    /** Most rows one chunk may carry; a larger chunk ends its stream with RESOURCE_EXHAUSTED. */
    @WithDefault("10000")
    int maxChunkRows();
  }
}
