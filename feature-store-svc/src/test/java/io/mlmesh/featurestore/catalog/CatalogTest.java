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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CatalogTest {

  private static final String SOURCE_SHA256 = "5f1a";

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
      catalog.applyView(spec("a"), SOURCE_SHA256, version -> view(spec("a"), version), view -> { });
      catalog.applyView(spec("b"), SOURCE_SHA256, version -> view(spec("b"), version), view -> { });
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
      FeatureView first = catalog.applyView(spec("a"), SOURCE_SHA256,
          version -> view(spec("a"), version), view -> { });

      FeatureView again = catalog.applyView(spec("a"), SOURCE_SHA256,
          version -> view(spec("a"), version), view -> {
            throw new AssertionError("an unchanged spec must not be prepared again");
          });

      assertSame(first, again);
    }
  }

  @Test
  void applyView_unchangedSpecOnChangedSource_preparesNextVersion() throws Exception {
    try (DuckDb duckDb = DuckDb.open(dataDir)) {
      Catalog catalog = Catalog.open(duckDb);
      catalog.applyView(spec("a"), SOURCE_SHA256, version -> view(spec("a"), version),
          view -> { });
      List<Integer> prepared = new ArrayList<>();

      FeatureView next = catalog.applyView(spec("a"), "9c0e",
          version -> view(spec("a"), version, "9c0e"), view -> prepared.add(view.getVersion()));

      assertEquals(List.of(2), prepared);
      assertEquals(2, next.getVersion());
      assertEquals(SOURCE_SHA256, catalog.findView("view", 1).orElseThrow().getSourceDataset()
          .getContentSha256());
    }
  }

  @Test
  void applyView_prepareFails_noVersionStored() throws Exception {
    try (DuckDb duckDb = DuckDb.open(dataDir)) {
      Catalog catalog = Catalog.open(duckDb);

      assertThrows(IllegalStateException.class, () -> catalog.applyView(spec("a"),
          SOURCE_SHA256, version -> view(spec("a"), version), view -> {
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
    return view(spec, version, SOURCE_SHA256);
  }

  private static FeatureView view(FeatureViewSpec spec, int version, String sourceSha256) {
    return FeatureView.newBuilder().setSpec(spec).setVersion(version)
        .setSourceDataset(DatasetVersion.newBuilder().setContentSha256(sourceSha256))
        .build();
  }
}
