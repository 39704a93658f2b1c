package io.mlmesh.registry.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.mlmesh.registry.store.ArtifactStore;
import io.mlmesh.registry.store.MetadataStore;
import io.mlmesh.registry.store.Names;
import io.mlmesh.registry.store.VersionRecord;
import io.mlmesh.registry.v1.ArtifactChunk;
import io.mlmesh.registry.v1.CreateModelRequest;
import io.mlmesh.registry.v1.DeleteAliasRequest;
import io.mlmesh.registry.v1.DeleteAliasResponse;
import io.mlmesh.registry.v1.GetModelRequest;
import io.mlmesh.registry.v1.GetVersionRequest;
import io.mlmesh.registry.v1.ListModelsRequest;
import io.mlmesh.registry.v1.ListModelsResponse;
import io.mlmesh.registry.v1.ListVersionsRequest;
import io.mlmesh.registry.v1.ListVersionsResponse;
import io.mlmesh.registry.v1.Model;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegisterVersionChunk;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.registry.v1.SetAliasRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * gRPC adapter of {@code mlmesh.registry.v1.Registry}: validates requests, calls the stores and
 * maps failures to statuses through {@link StatusMapper}.
 *
 * <p>Every method is {@link Blocking}: the stores use JDBC and files, so calls run on worker
 * threads, never on the event loop.
 */
@GrpcService
@Blocking
public class RegistryGrpcService extends RegistryGrpc.RegistryImplBase {

  private final MetadataStore metadata;
  private final ArtifactStore artifacts;

  RegistryGrpcService(MetadataStore metadata, ArtifactStore artifacts) {
    this.metadata = metadata;
    this.artifacts = artifacts;
  }

  @Override
  public void createModel(CreateModelRequest request, StreamObserver<Model> response) {
    respond(response, () -> ProtoMapper.toProto(metadata.createModel(
        Names.requireValid("name", request.getName()),
        request.getDescription(),
        request.getTagsMap())));
  }

  @Override
  public void getModel(GetModelRequest request, StreamObserver<Model> response) {
    respond(response, () -> ProtoMapper.toProto(
        metadata.getModel(Names.requireValid("name", request.getName()))));
  }

  @Override
  public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> response) {
    respond(response, () -> ListModelsResponse.newBuilder()
        .addAllModels(metadata.listModels().stream().map(ProtoMapper::toProto).toList())
        .build());
  }

  @Override
  public StreamObserver<RegisterVersionChunk> registerVersion(
      StreamObserver<ModelVersion> response) {
    return new VersionUpload(artifacts, metadata, response);
  }

  @Override
  public void getVersion(GetVersionRequest request, StreamObserver<ModelVersion> response) {
    respond(response, () -> ProtoMapper.toProto(selectVersion(request)));
  }

  @Override
  public void listVersions(ListVersionsRequest request,
      StreamObserver<ListVersionsResponse> response) {
    respond(response, () -> ListVersionsResponse.newBuilder()
        .addAllVersions(metadata.listVersions(Names.requireValid("model", request.getModel()))
            .stream().map(ProtoMapper::toProto).toList())
        .build());
  }

  @Override
  public void setAlias(SetAliasRequest request, StreamObserver<ModelVersion> response) {
    respond(response, () -> ProtoMapper.toProto(metadata.setAlias(
        Names.requireValid("model", request.getModel()),
        Names.requireValid("alias", request.getAlias()),
        ProtoMapper.requireVersion("version", request.getVersion()))));
  }

  @Override
  public void deleteAlias(DeleteAliasRequest request,
      StreamObserver<DeleteAliasResponse> response) {
    respond(response, () -> DeleteAliasResponse.newBuilder()
        .setVersion(metadata.deleteAlias(
            Names.requireValid("model", request.getModel()),
            Names.requireValid("alias", request.getAlias())))
        .build());
  }

  @Override
  public void downloadArtifact(GetVersionRequest request,
      StreamObserver<ArtifactChunk> response) {
    var call = (ServerCallStreamObserver<ArtifactChunk>) response;
    try {
      VersionRecord version = selectVersion(request);
      InputStream file = artifacts.open(version.artifact().sha256());
      ArtifactSender sender = new ArtifactSender(call, version, file);
      call.setOnCancelHandler(sender::close);
      call.setOnReadyHandler(sender);
      sender.run();
    } catch (RuntimeException e) {
      call.onError(StatusMapper.toStatus(e));
    }
  }

  private VersionRecord selectVersion(GetVersionRequest request) {
    return metadata.getVersion(
        Names.requireValid("model", request.getModel()),
        ProtoMapper.toSelector(request.getSelector()));
  }

  private static <T> void respond(StreamObserver<T> response, Supplier<T> work) {
    T result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      response.onError(StatusMapper.toStatus(e));
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
