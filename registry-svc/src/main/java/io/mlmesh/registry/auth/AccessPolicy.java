package io.mlmesh.registry.auth;

import io.mlmesh.registry.config.RegistryConfig;
import io.mlmesh.registry.store.RegistryException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Decides whether a bearer token may act with a role, from the configured token lists.
 *
 * <p>Tokens are compared in constant time so that response times do not leak how much of a
 * guess was right. With no token configured at all the policy is open: every call passes and a
 * warning says so once at start, which keeps the local demo working without secrets.
 *
 * <p>Thread-safe and immutable.
 */
@Singleton
public class AccessPolicy {

  private static final Logger LOG = Logger.getLogger(AccessPolicy.class);

  private final List<byte[]> writerTokens;
  private final List<byte[]> adminTokens;

  @Inject
  AccessPolicy(RegistryConfig config) {
    this(config.auth().writerTokens(), config.auth().adminTokens());
  }

  /** A policy over these token lists; absent or blank entries are ignored. */
  public AccessPolicy(Optional<List<String>> writerTokens, Optional<List<String>> adminTokens) {
    this.writerTokens = bytesOf(writerTokens);
    this.adminTokens = bytesOf(adminTokens);
    if (isOpen()) {
      LOG.warn("registry writes are not protected: no tokens configured"
          + " (set mlmesh.registry.auth.writer-tokens and admin-tokens)");
    } else {
      LOG.infof("registry access control on writer_tokens=%d admin_tokens=%d",
          this.writerTokens.size(), this.adminTokens.size());
    }
  }

  /** True when no token is configured and every call is allowed. */
  public boolean isOpen() {
    return writerTokens.isEmpty() && adminTokens.isEmpty();
  }

  /**
   * Checks that {@code bearerToken} may call {@code method}, which needs {@code needed}.
   *
   * @param bearerToken the token sent by the client; empty when none was sent
   * @throws RegistryException UNAUTHENTICATED when the token is missing or unknown,
   *     PERMISSION_DENIED when it is known but lacks the role
   */
  public void authorize(String method, Role needed, String bearerToken) {
    if (needed == Role.READER || isOpen()) {
      return;
    }
    if (bearerToken.isEmpty()) {
      throw new RegistryException(RegistryException.Reason.UNAUTHENTICATED, String.format(
          "authorization: %s needs a bearer token with the %s role, none was sent",
          method, needed.label()));
    }

    Role granted = roleOf(bearerToken.getBytes(StandardCharsets.UTF_8));
    if (granted == Role.READER) {
      throw new RegistryException(RegistryException.Reason.UNAUTHENTICATED,
          "authorization: the bearer token is not known to the registry");
    }
    if (!granted.includes(needed)) {
      throw new RegistryException(RegistryException.Reason.PERMISSION_DENIED, String.format(
          "authorization: %s needs the %s role, the token has the %s role",
          method, needed.label(), granted.label()));
    }
  }

  private Role roleOf(byte[] token) {
    if (contains(adminTokens, token)) {
      return Role.ADMIN;
    }
    return contains(writerTokens, token) ? Role.WRITER : Role.READER;
  }

  private static boolean contains(List<byte[]> tokens, byte[] token) {
    boolean found = false;
    for (byte[] known : tokens) {
      found |= MessageDigest.isEqual(known, token);
    }
    return found;
  }

  private static List<byte[]> bytesOf(Optional<List<String>> tokens) {
    return tokens.orElse(List.of()).stream()
        .map(String::trim)
        .filter(token -> !token.isEmpty())
        .map(token -> token.getBytes(StandardCharsets.UTF_8))
        .toList();
  }
}
