package io.mlmesh.featurestore.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.featurestore.FeatureStoreTestResource;
import io.mlmesh.featurestore.Flights;
import io.mlmesh.featurestore.IngestStreams;
import io.mlmesh.featurestore.catalog.Catalog;
import io.mlmesh.featurestore.catalog.DuckDb;
import io.mlmesh.featurestore.catalog.RegisteredSource;
import io.mlmesh.featurestore.catalog.SourceInspector;
import io.mlmesh.featurestore.v1.IngestAck;
import io.mlmesh.featurestore.v1.IngestRowsChunk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Durability of streamed chunks across a restart: the components are closed and opened again on
 * the same data dir, as a restarted service does (DuckDB allows one process per database file,
 * so the running Quarkus test instance cannot share its data dir with a second one).
 */
class StreamIngestionTest {

  private static final int CHUNK_ROWS = 1000;

  private Path dataDir;

  @BeforeEach
  void createDataDir() throws Exception {
    dataDir = Files.createTempDirectory("mlmesh-test-fs-stream-");
  }

  @AfterEach
  void deleteDataDir() {
    FeatureStoreTestResource.deleteTree(dataDir);
  }

  @Test
  void open_afterRestart_acknowledgedRowsAndAcksSurviveAndUnackedSegmentIsDeleted()
      throws Exception {
    List<IngestRowsChunk> chunks = IngestStreams.flightsChunks(
        Flights.readCsv().subList(0, 3 * CHUNK_ROWS), CHUNK_ROWS);
    IngestAck first;
    IngestAck second;
    Path unacknowledged;
    try (DuckDb duckDb = DuckDb.open(dataDir)) {
      StreamIngestion streams = open(duckDb);
      StreamIngestion.Target target = streams.start(IngestStreams.flightsHeader("durable")
          .build());
      first = streams.append(target, chunks.get(0).getRows());
      second = streams.append(target, chunks.get(1).getRows());
      unacknowledged = Path.of(second.getSegmentPath()).resolveSibling(
          String.format("%019d.parquet", 3));
      Files.copy(Path.of(second.getSegmentPath()), unacknowledged);
    }

    try (DuckDb duckDb = DuckDb.open(dataDir)) {
      Catalog catalog = Catalog.open(duckDb);
      StreamIngestion streams = open(duckDb, catalog);
      RegisteredSource source = catalog.findSource("durable").orElseThrow();
      StreamIngestion.Target target = streams.start(IngestStreams.flightsHeader("durable")
          .clearColumns().build());

      assertFalse(Files.exists(unacknowledged), "segment without ack survived the restart");
      assertEquals(2L * CHUNK_ROWS, source.dataset().getRowCount());
      assertEquals(2L * CHUNK_ROWS, count(duckDb, source));
      assertEquals(second.getSourceContentSha256(), source.dataset().getContentSha256());
      assertEquals(first.toBuilder().setReplayed(true).build(),
          streams.append(target, chunks.get(0).getRows()));
      IngestAck third = streams.append(target, chunks.get(2).getRows());
      assertFalse(third.getReplayed());
      assertEquals(3L * CHUNK_ROWS, third.getSourceRows());
      assertEquals(3L * CHUNK_ROWS, count(duckDb, catalog.findSource("durable").orElseThrow()));
      assertTrue(streams.isStreamed("durable"));
    }
  }

  private StreamIngestion open(DuckDb duckDb) {
    return open(duckDb, Catalog.open(duckDb));
  }

  private StreamIngestion open(DuckDb duckDb, Catalog catalog) {
    Ingestion ingestion = new Ingestion(duckDb, new SourceInspector(duckDb), new JdbcExtractor(),
        dataDir, 0.1, false);
    return StreamIngestion.open(duckDb, catalog, ingestion, dataDir, 10_000);
  }

  private static long count(DuckDb duckDb, RegisteredSource source) throws Exception {
    try (Connection connection = duckDb.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + source.scanSql())) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
