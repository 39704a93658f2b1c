package io.mlmesh.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.registry.store.RegistryException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {

  private final AccessPolicy policy =
      new AccessPolicy(Optional.of(List.of(" w1 ", "w2")), Optional.of(List.of("a1")));

  @Test
  void authorize_noTokensConfigured_allowsEverything() {
    AccessPolicy open = new AccessPolicy(Optional.empty(), Optional.of(List.of(" ")));

    open.authorize("DeleteModel", Role.ADMIN, "");

    assertTrue(open.isOpen());
  }

  @Test
  void authorize_rolesIncludeLowerOnes_allowed() {
    policy.authorize("SetAlias", Role.WRITER, "w1");
    policy.authorize("SetAlias", Role.WRITER, "a1");
    policy.authorize("Backup", Role.ADMIN, "a1");
    policy.authorize("GetModel", Role.READER, "");

    assertEquals(false, policy.isOpen());
  }

  @Test
  void authorize_missingOrUnknownToken_failsUnauthenticated() {
    assertReason(RegistryException.Reason.UNAUTHENTICATED,
        "authorization: SetAlias needs a bearer token with the writer role, none was sent",
        () -> policy.authorize("SetAlias", Role.WRITER, ""));
    assertReason(RegistryException.Reason.UNAUTHENTICATED,
        "authorization: the bearer token is not known to the registry",
        () -> policy.authorize("SetAlias", Role.WRITER, "w3"));
  }

  @Test
  void authorize_writerTokenForAdminMethod_failsPermissionDenied() {
    assertReason(RegistryException.Reason.PERMISSION_DENIED,
        "authorization: Restore needs the admin role, the token has the writer role",
        () -> policy.authorize("Restore", Role.ADMIN, "w2"));
  }

  private static void assertReason(RegistryException.Reason reason, String message,
      Runnable call) {
    RegistryException failure = assertThrows(RegistryException.class, call::run);
    assertEquals(reason, failure.reason());
    assertEquals(message, failure.getMessage());
  }
}
