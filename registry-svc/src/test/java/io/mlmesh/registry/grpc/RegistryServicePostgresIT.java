package io.mlmesh.registry.grpc;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The registry contract with metadata in PostgreSQL. */
@QuarkusTest
@TestProfile(StoreProfiles.Postgres.class)
class RegistryServicePostgresIT extends RegistryChangesContract {}
