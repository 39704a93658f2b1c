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

  /** Metadata in the PostgreSQL database {@value RegistryStoreResource#DATABASE}. */
  public static final class Postgres implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(
          new TestResourceEntry(RegistryStoreResource.class, Map.of("store", "postgresql")));
    }
  }
}
