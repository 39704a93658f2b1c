package io.mlmesh.registry.grpc;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.mlmesh.registry.auth.AccessPolicy;
import io.mlmesh.registry.auth.Role;
import io.mlmesh.registry.store.RegistryException;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks the caller's bearer token before a registry call starts, by method name.
 *
 * <p>Writes need the writer role and admin operations the admin role; every other method
 * (reads, health, reflection) is open. A refused call is closed before the service sees a
 * message, so nothing changes. Tokens come in the {@code authorization: Bearer <token>} header.
 */
@ApplicationScoped
@GlobalInterceptor
public class AuthInterceptor implements ServerInterceptor {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "bearer ";
  private static final Map<String, Role> NEEDED_ROLES = Stream.concat(
      Stream.of(RegistryGrpc.getCreateModelMethod(), RegistryGrpc.getRegisterVersionMethod(),
              RegistryGrpc.getSetAliasMethod(), RegistryGrpc.getDeleteAliasMethod(),
              RegistryGrpc.getDeleteVersionMethod(), RegistryGrpc.getUpdateModelMethod(),
              RegistryGrpc.getUpdateVersionMethod())
          .map(method -> Map.entry(method, Role.WRITER)),
      Stream.of(RegistryGrpc.getDeleteModelMethod(), RegistryGrpc.getBackupMethod(),
              RegistryGrpc.getRestoreMethod())
          .map(method -> Map.entry(method, Role.ADMIN)))
      .collect(Collectors.toUnmodifiableMap(
          entry -> entry.getKey().getFullMethodName(), Map.Entry::getValue));

  private final AccessPolicy policy;

  AuthInterceptor(AccessPolicy policy) {
    this.policy = policy;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    MethodDescriptor<Q, R> method = call.getMethodDescriptor();
    Role needed = NEEDED_ROLES.getOrDefault(method.getFullMethodName(), Role.READER);
    try {
      policy.authorize(method.getBareMethodName(), needed, bearerToken(headers));
    } catch (RegistryException refused) {
      call.close(StatusMapper.toStatus(refused).getStatus(), new Metadata());
      return new ServerCall.Listener<>() {};
    }

    return next.startCall(call, headers);
  }

  private static String bearerToken(Metadata headers) {
    String value = headers.get(AUTHORIZATION);
    if (value == null || !value.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
      return "";
    }
    return value.substring(BEARER.length()).trim();
  }
}
