package io.mlmesh.featurestore.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.featurestore.FeatureStoreTestResource;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.FeatureViewSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CatalogTest {

  private Path dataDir;

  @BeforeEach
  void createDataDir() throws Exception {
    dataDir = Files.createTempDirectory("mlmesh-test-fs-catalog-");
  }

  @AfterEach
  void deleteDataDir() {
    FeatureStoreTestResource.deleteTree(dataDir);
  }

  @Test
  void open_afterRestart_sourcesAndAllViewVersionsSurvive() throws Exception {
    RegisteredSource source = new RegisteredSource(DatasetVersion.newBuilder()
        .setName("flights").setRowCount(3).build(), "date", "(SELECT 1)");
    try (DuckDb duckDb = DuckDb.open(dataDir)) {
      Catalog catalog = Catalog.open(duckDb);
      catalog.putSource(source);
      catalog.applyView(spec("a"), version -> view(spec("a"), version), view -> { });
      catalog.applyView(spec("b"), version -> view(spec("b"), version), view -> { });
    }

    try (DuckDb duckDb = DuckDb.open(dataDir)) {
      Catalog reopened = Catalog.open(duckDb);

      assertEquals(Optional.of(source), reopened.findSource("flights"));
      assertEquals("a", reopened.findView("view", 1).orElseThrow().getSpec().getOwner());
      assertEquals(2, reopened.findView("view", 0).orElseThrow().getVersion());
      assertEquals(List.of(2), reopened.newestViews().stream()
          .map(FeatureView::getVersion).toList());
    }
  }

  @Test
  void applyView_unchangedSpec_returnsNewestWithoutPreparing() throws Exception {
    try (DuckDb duckDb = DuckDb.open(dataDir)) {
      Catalog catalog = Catalog.open(duckDb);
      FeatureView first =
          catalog.applyView(spec("a"), version -> view(spec("a"), version), view -> { });

      FeatureView again = catalog.applyView(spec("a"), version -> view(spec("a"), version),
          view -> {
            throw new AssertionError("an unchanged spec must not be prepared again");
          });

      assertSame(first, again);
    }
  }

  @Test
  void applyView_prepareFails_noVersionStored() throws Exception {
    try (DuckDb duckDb = DuckDb.open(dataDir)) {
      Catalog catalog = Catalog.open(duckDb);

      assertThrows(IllegalStateException.class, () -> catalog.applyView(spec("a"),
          version -> view(spec("a"), version), view -> {
            throw new IllegalStateException("disk full");
          }));

      assertTrue(catalog.findView("view", 0).isEmpty());
    }
  }

  private static FeatureViewSpec spec(String owner) {
    return FeatureViewSpec.newBuilder().setName("view").setSource("flights").setOwner(owner)
        .build();
  }

  private static FeatureView view(FeatureViewSpec spec, int version) {
    return FeatureView.newBuilder().setSpec(spec).setVersion(version).build();
  }
}
