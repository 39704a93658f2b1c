package io.mlmesh.registry.grpc;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** Test profiles that run the registry on each metadata store. */
final class StoreProfiles {

  private StoreProfiles() {}

  /** Metadata in an H2 file under a fresh data folder. */
  public static final class H2 implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(RegistryStoreResource.class, Map.of("store", "h2")));
    }
  }

  /** Metadata in an H2 file, with access control on: one writer and one admin token. */
  public static final class H2WithTokens implements QuarkusTestProfile {

    static final String WRITER_TOKEN = "writer-token-1";
    static final String ADMIN_TOKEN = "admin-token-1";

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "mlmesh.registry.auth.writer-tokens", "other-writer," + WRITER_TOKEN,
          "mlmesh.registry.auth.admin-tokens", ADMIN_TOKEN);
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return new H2().testResources();
    }
  }

  /** Metadata in the PostgreSQL database {@value RegistryStoreResource#DATABASE}. */
  public static final class Postgres implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(
          new TestResourceEntry(RegistryStoreResource.class, Map.of("store", "postgresql")));
    }
  }
}
