package io.mlmesh.featurestore.config;

import io.mlmesh.featurestore.catalog.Catalog;
import io.mlmesh.featurestore.catalog.DuckDb;
import io.mlmesh.featurestore.catalog.SourceInspector;
import io.mlmesh.featurestore.ingest.Ingestion;
import io.mlmesh.featurestore.ingest.JdbcExtractor;
import io.mlmesh.featurestore.ingest.KeyedHash;
import io.mlmesh.featurestore.ingest.StreamIngestion;
import io.mlmesh.featurestore.offline.OfflineStore;
import io.mlmesh.featurestore.offline.TrainingSets;
import io.mlmesh.featurestore.online.InProcessOnlineStore;
import io.mlmesh.featurestore.online.Materializer;
import io.mlmesh.featurestore.online.OnlineFeatures;
import io.mlmesh.featurestore.online.OnlineStore;
import io.mlmesh.featurestore.online.RedisOnlineStore;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Builds the service's components from its configuration; one instance of each. */
public final class FeatureStoreBeans {

  private static final Logger LOG = Logger.getLogger(FeatureStoreBeans.class);

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @Singleton
  DuckDb duckDb(FeatureStoreConfig config) {
    Path dataDir = Path.of(config.dataDir()).toAbsolutePath();
    LOG.infof("offline store: data_dir=%s", dataDir);
    return DuckDb.open(dataDir);
  }

  void closeDuckDb(@Disposes DuckDb duckDb) throws SQLException {
    duckDb.close();
  }

  @Produces
  @Singleton
  Catalog catalog(DuckDb duckDb) {
    return Catalog.open(duckDb);
  }

  @Produces
  @Singleton
  SourceInspector sourceInspector(DuckDb duckDb) {
    return new SourceInspector(duckDb);
  }

  @Produces
  @Singleton
  Ingestion ingestion(DuckDb duckDb, SourceInspector sourceInspector,
      FeatureStoreConfig config) {
    Optional<String> hmacKey = config.pii().hmacKey().filter(key -> !key.isBlank());
    hmacKey.ifPresent(key -> KeyedHash.register(duckDb, key));
    LOG.infof("ingestion: max_failed_share=%s keyed_hash=%s",
        config.ingestion().maxFailedShare(), hmacKey.isPresent() ? "configured" : "off");
    return new Ingestion(duckDb, sourceInspector, new JdbcExtractor(),
        Path.of(config.dataDir()).toAbsolutePath(), config.ingestion().maxFailedShare(),
        hmacKey.isPresent());
  }

  @Produces
  @Singleton
  StreamIngestion streamIngestion(DuckDb duckDb, Catalog catalog, Ingestion ingestion,
      FeatureStoreConfig config) {
    int maxChunkRows = config.ingestion().stream().maxChunkRows();
    LOG.infof("stream ingestion: max_chunk_rows=%d", maxChunkRows);
    return StreamIngestion.open(duckDb, catalog, ingestion,
        Path.of(config.dataDir()).toAbsolutePath(), maxChunkRows);
  }

  @Produces
  @Singleton
  OfflineStore offlineStore(DuckDb duckDb, Catalog catalog, FeatureStoreConfig config,
      Clock clock) {
    return new OfflineStore(duckDb, catalog, Path.of(config.dataDir()).toAbsolutePath(), clock);
  }

  @Produces
  @Singleton
  TrainingSets trainingSets(DuckDb duckDb, Catalog catalog, OfflineStore offlineStore) {
    return new TrainingSets(duckDb, catalog, offlineStore);
  }

  @Produces
  @Singleton
  OnlineStore onlineStore(FeatureStoreConfig config) {
    if (config.redisUrl().isEmpty()) {
      LOG.info("online store: in-process (no redis configured), values are lost on restart");
      return new InProcessOnlineStore();
    }
    return new RedisOnlineStore(config.redisUrl().get(), config.keyPrefix());
  }

  void closeOnlineStore(@Disposes OnlineStore onlineStore) {
    onlineStore.close();
  }

  @Produces
  @Singleton
  Materializer materializer(DuckDb duckDb, Catalog catalog, OfflineStore offlineStore,
      OnlineStore onlineStore) {
    return new Materializer(duckDb, catalog, offlineStore, onlineStore);
  }

  @Produces
  @Singleton
  OnlineFeatures onlineFeatures(Catalog catalog, OnlineStore onlineStore, Clock clock) {
    return new OnlineFeatures(catalog, onlineStore, clock);
  }
}
