package io.mlmesh.registry.grpc;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The registry contract with metadata in an H2 file. */
@QuarkusTest
@TestProfile(StoreProfiles.H2.class)
class RegistryServiceH2Test extends RegistryUpdatesContract {}
