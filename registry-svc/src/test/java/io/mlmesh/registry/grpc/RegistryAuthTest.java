package io.mlmesh.registry.grpc;

import static io.mlmesh.registry.grpc.RegistryServiceContract.assertStatus;
import static io.mlmesh.registry.grpc.RegistryServiceContract.dataChunk;
import static io.mlmesh.registry.grpc.RegistryServiceContract.header;
import static io.mlmesh.registry.grpc.RegistryServiceContract.headerChunk;
import static io.mlmesh.registry.grpc.RegistryServiceContract.upload;
import static io.mlmesh.registry.grpc.RegistryServiceContract.uniqueName;
import static io.mlmesh.registry.grpc.StoreProfiles.H2WithTokens.ADMIN_TOKEN;
import static io.mlmesh.registry.grpc.StoreProfiles.H2WithTokens.WRITER_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.mlmesh.registry.v1.BackupRequest;
import io.mlmesh.registry.v1.CreateModelRequest;
import io.mlmesh.registry.v1.DeleteModelRequest;
import io.mlmesh.registry.v1.GetModelRequest;
import io.mlmesh.registry.v1.GetVersionRequest;
import io.mlmesh.registry.v1.ListModelsRequest;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.registry.v1.RestoreRequest;
import io.mlmesh.registry.v1.SetAliasRequest;
import io.mlmesh.registry.v1.UpdateModelRequest;
import io.mlmesh.registry.v1.UpdateVersionRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Access control with writer and admin tokens configured, over a real gRPC channel. */
@QuarkusTest
@TestProfile(StoreProfiles.H2WithTokens.class)
class RegistryAuthTest {

  private static final long CALL_TIMEOUT_SECONDS = 30;

  @TestHTTPResource("/")
  URL serverUrl;

  private ManagedChannel channel;
  private RegistryGrpc.RegistryBlockingStub anonymous;
  private RegistryGrpc.RegistryBlockingStub writer;
  private RegistryGrpc.RegistryBlockingStub admin;

  @BeforeEach
  void openChannel() {
    channel = ManagedChannelBuilder.forAddress(serverUrl.getHost(), serverUrl.getPort())
        .usePlaintext()
        .build();
    anonymous = RegistryGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    writer = withToken(anonymous, WRITER_TOKEN);
    admin = withToken(anonymous, ADMIN_TOKEN);
  }

  @AfterEach
  void closeChannel() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void reads_withoutToken_allowed() {
    String name = uniqueName("open-read");
    writer.createModel(createModel(name));

    assertEquals(name, anonymous.getModel(getModel(name)).getName());
    assertEquals(true, anonymous.listModels(ListModelsRequest.getDefaultInstance())
        .getModelsCount() >= 1);
  }

  @Test
  void createModel_withoutToken_failsUnauthenticatedAndCreatesNothing() {
    String name = uniqueName("no-token");

    assertStatus(Status.Code.UNAUTHENTICATED, "authorization: CreateModel needs a bearer token"
        + " with the writer role, none was sent", () -> anonymous.createModel(createModel(name)));
    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' not found",
        () -> anonymous.getModel(getModel(name)));
  }

  @Test
  void setAlias_unknownToken_failsUnauthenticated() {
    RegistryGrpc.RegistryBlockingStub stranger = withToken(anonymous, "guessed-token");

    assertStatus(Status.Code.UNAUTHENTICATED,
        "authorization: the bearer token is not known to the registry",
        () -> stranger.setAlias(SetAliasRequest.newBuilder()
            .setModel("m").setAlias("prod").setVersion(1).build()));
  }

  @Test
  void registerVersion_withoutToken_failsUnauthenticatedAndLeavesNoModel() throws Exception {
    String name = uniqueName("no-token-upload");
    byte[] bytes = "bytes".getBytes();
    CompletableFuture<ModelVersion> result = upload(RegistryGrpc.newStub(channel),
        List.of(headerChunk(header(name, bytes)), dataChunk(bytes)));

    assertStatus(Status.Code.UNAUTHENTICATED, "authorization: RegisterVersion needs a bearer",
        () -> {
          try {
            result.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            throw e.getCause();
          }
        });
    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' not found",
        () -> anonymous.getModel(getModel(name)));
  }

  @Test
  void updates_withoutToken_failUnauthenticatedAndChangeNothing() throws Exception {
    String name = uniqueName("no-token-update");
    byte[] bytes = "bytes".getBytes();
    upload(withToken(RegistryGrpc.newStub(channel), WRITER_TOKEN),
        List.of(headerChunk(header(name, bytes).toBuilder().putTags("stage", "dev").build()),
            dataChunk(bytes))).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertStatus(Status.Code.UNAUTHENTICATED, "authorization: UpdateModel needs a bearer token"
        + " with the writer role, none was sent", () -> anonymous.updateModel(
            UpdateModelRequest.newBuilder().setName(name).setDescription("changed").build()));
    assertStatus(Status.Code.UNAUTHENTICATED, "authorization: UpdateVersion needs a bearer"
        + " token with the writer role, none was sent", () -> anonymous.updateVersion(
            updateStage(name, "prod")));
    assertEquals("", anonymous.getModel(getModel(name)).getDescription());
    assertEquals(Map.of("stage", "dev"), versionTags(name));
  }

  @Test
  void updateVersion_writerToken_changesTags() throws Exception {
    String name = uniqueName("writer-update");
    byte[] bytes = "bytes".getBytes();
    upload(withToken(RegistryGrpc.newStub(channel), WRITER_TOKEN),
        List.of(headerChunk(header(name, bytes)), dataChunk(bytes)))
        .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);

    writer.updateVersion(updateStage(name, "prod"));

    assertEquals(Map.of("stage", "prod"), versionTags(name));
  }

  @Test
  void adminOperations_writerToken_failPermissionDeniedAndChangeNothing() {
    String name = uniqueName("writer-only");
    writer.createModel(createModel(name));

    assertStatus(Status.Code.PERMISSION_DENIED,
        "authorization: DeleteModel needs the admin role, the token has the writer role",
        () -> writer.deleteModel(DeleteModelRequest.newBuilder().setName(name).build()));
    assertStatus(Status.Code.PERMISSION_DENIED, "authorization: Backup needs the admin role",
        () -> writer.backup(BackupRequest.newBuilder().setDirectory("/tmp/x").build()));
    assertStatus(Status.Code.PERMISSION_DENIED, "authorization: Restore needs the admin role",
        () -> writer.restore(RestoreRequest.newBuilder().setDirectory("/tmp/x").build()));
    assertEquals(name, anonymous.getModel(getModel(name)).getName());
  }

  @Test
  void adminToken_writesAndDeletesModel() {
    String name = uniqueName("admin");

    admin.createModel(createModel(name));
    long versionsDeleted = admin.deleteModel(DeleteModelRequest.newBuilder().setName(name)
        .build()).getVersionsDeleted();

    assertEquals(0, versionsDeleted);
    assertStatus(Status.Code.NOT_FOUND, "model '" + name + "' not found",
        () -> anonymous.getModel(getModel(name)));
  }

  private Map<String, String> versionTags(String model) {
    return anonymous.getVersion(GetVersionRequest.newBuilder().setModel(model).build())
        .getTagsMap();
  }

  private static UpdateVersionRequest updateStage(String model, String stage) {
    return UpdateVersionRequest.newBuilder().setModel(model).setVersion(1)
        .putSetTags("stage", stage).build();
  }

  private static <S extends AbstractStub<S>> S withToken(S stub, String token) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static CreateModelRequest createModel(String name) {
    return CreateModelRequest.newBuilder().setName(name).build();
  }

  private static GetModelRequest getModel(String name) {
    return GetModelRequest.newBuilder().setName(name).build();
  }
}
