package io.mlmesh.registry.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.mlmesh.registry.backup.BackupService;
import io.mlmesh.registry.events.EventHub;
import io.mlmesh.registry.store.ArtifactStore;
import io.mlmesh.registry.store.Deletion;
import io.mlmesh.registry.store.MetadataEdit;
import io.mlmesh.registry.store.MetadataStore;
import io.mlmesh.registry.store.Names;
import io.mlmesh.registry.store.RegistryException;
import io.mlmesh.registry.store.VersionRecord;
import io.mlmesh.registry.v1.ArtifactChunk;
import io.mlmesh.registry.v1.BackupRequest;
import io.mlmesh.registry.v1.CreateModelRequest;
import io.mlmesh.registry.v1.DeleteAliasRequest;
import io.mlmesh.registry.v1.DeleteAliasResponse;
import io.mlmesh.registry.v1.DeleteModelRequest;
import io.mlmesh.registry.v1.DeleteModelResponse;
import io.mlmesh.registry.v1.DeleteVersionRequest;
import io.mlmesh.registry.v1.DeleteVersionResponse;
import io.mlmesh.registry.v1.GetModelRequest;
import io.mlmesh.registry.v1.GetVersionRequest;
import io.mlmesh.registry.v1.ListModelsRequest;
import io.mlmesh.registry.v1.ListModelsResponse;
import io.mlmesh.registry.v1.ListVersionsRequest;
import io.mlmesh.registry.v1.ListVersionsResponse;
import io.mlmesh.registry.v1.Model;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegisterVersionChunk;
import io.mlmesh.registry.v1.RegistryEvent;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.registry.v1.RestoreRequest;
import io.mlmesh.registry.v1.SearchVersionsRequest;
import io.mlmesh.registry.v1.SearchVersionsResponse;
import io.mlmesh.registry.v1.SetAliasRequest;
import io.mlmesh.registry.v1.UpdateModelRequest;
import io.mlmesh.registry.v1.UpdateVersionRequest;
import io.mlmesh.registry.v1.WatchRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.io.InputStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * gRPC adapter of {@code mlmesh.registry.v1.Registry}: validates requests, calls the stores and
 * maps failures to statuses through {@link StatusMapper}.
 *
 * <p>Every method is {@link Blocking}: the stores use JDBC and files, so calls run on worker
 * threads, never on the event loop. Watch streams move to threads of their own
 * ({@link WatchPool}). Access control happens before, in {@link AuthInterceptor}.
 */
@GrpcService
@Blocking
public class RegistryGrpcService extends RegistryGrpc.RegistryImplBase {

  private final MetadataStore metadata;
  private final ArtifactStore artifacts;
  private final EventHub events;
  private final WatchPool watchPool;
  private final BackupService backups;

  RegistryGrpcService(MetadataStore metadata, ArtifactStore artifacts, EventHub events,
      WatchPool watchPool, BackupService backups) {
    this.metadata = metadata;
    this.artifacts = artifacts;
    this.events = events;
    this.watchPool = watchPool;
    this.backups = backups;
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
  public void searchVersions(SearchVersionsRequest request,
      StreamObserver<SearchVersionsResponse> response) {
    respond(response, () -> SearchVersionsResponse.newBuilder()
        .addAllVersions(metadata.searchVersions(ProtoMapper.toQuery(request))
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

  @Override
  public void watch(WatchRequest request, StreamObserver<RegistryEvent> response) {
    var call = (ServerCallStreamObserver<RegistryEvent>) response;
    try {
      String model = request.getModel().isEmpty()
          ? "" : Names.requireValid("model", request.getModel());
      if (request.getFromRevision() < 0) {
        throw RegistryException.invalid(
            "from_revision: must be >= 0, got " + request.getFromRevision());
      }
      watchPool.start(new EventWatch(call, metadata, events, model, request.getFromRevision()));
    } catch (RuntimeException e) {
      call.onError(StatusMapper.toStatus(e));
    }
  }

  @Override
  public void deleteVersion(DeleteVersionRequest request,
      StreamObserver<DeleteVersionResponse> response) {
    respond(response, () -> {
      Deletion deletion = metadata.deleteVersion(
          Names.requireValid("model", request.getModel()),
          ProtoMapper.requireVersion("version", request.getVersion()));
      int removed = artifacts.deleteUnreferenced(
          deletion.artifactSha256s(), metadata::isArtifactReferenced);
      return DeleteVersionResponse.newBuilder().setArtifactDeleted(removed > 0).build();
    });
  }

  @Override
  public void deleteModel(DeleteModelRequest request,
      StreamObserver<DeleteModelResponse> response) {
    respond(response, () -> {
      Deletion deletion = metadata.deleteModel(Names.requireValid("name", request.getName()));
      int removed = artifacts.deleteUnreferenced(
          deletion.artifactSha256s(), metadata::isArtifactReferenced);
      return DeleteModelResponse.newBuilder()
          .setVersionsDeleted(deletion.versionCount())
          .setArtifactsDeleted(removed)
          .build();
    });
  }

  @Override
  public void updateModel(UpdateModelRequest request, StreamObserver<Model> response) {
    respond(response, () -> {
      String name = Names.requireValid("name", request.getName());
      Optional<String> description = request.hasDescription()
          ? Optional.of(request.getDescription()) : Optional.empty();
      MetadataEdit edit = MetadataEdit.of(
          description, request.getSetTagsMap(), request.getRemoveTagKeysList());
      return ProtoMapper.toProto(metadata.updateModel(name, edit));
    });
  }

  @Override
  public void updateVersion(UpdateVersionRequest request,
      StreamObserver<ModelVersion> response) {
    respond(response, () -> {
      String model = Names.requireValid("model", request.getModel());
      long version = ProtoMapper.requireVersion("version", request.getVersion());
      Optional<String> description = request.hasDescription()
          ? Optional.of(request.getDescription()) : Optional.empty();
      MetadataEdit edit = MetadataEdit.of(
          description, request.getSetTagsMap(), request.getRemoveTagKeysList());
      return ProtoMapper.toProto(metadata.updateVersion(model, version, edit));
    });
  }

  @Override
  public void backup(BackupRequest request,
      StreamObserver<io.mlmesh.registry.v1.BackupSummary> response) {
    respond(response, () ->
        ProtoMapper.toProto(backups.backup(directory(request.getDirectory()))));
  }

  @Override
  public void restore(RestoreRequest request,
      StreamObserver<io.mlmesh.registry.v1.BackupSummary> response) {
    respond(response, () ->
        ProtoMapper.toProto(backups.restore(directory(request.getDirectory()))));
  }

  private static Path directory(String directory) {
    if (directory.isEmpty()) {
      throw RegistryException.invalid("directory: must not be empty");
    }
    try {
      return Path.of(directory);
    } catch (InvalidPathException e) {
      throw RegistryException.invalid("directory: '" + directory + "' is not a valid path");
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
