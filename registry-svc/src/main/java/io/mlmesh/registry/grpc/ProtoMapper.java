package io.mlmesh.registry.grpc;

import com.google.protobuf.Timestamp;
import io.mlmesh.registry.store.Artifact;
import io.mlmesh.registry.store.Lineage;
import io.mlmesh.registry.store.ModelRecord;
import io.mlmesh.registry.store.Names;
import io.mlmesh.registry.store.RegistryException;
import io.mlmesh.registry.store.VersionMetadata;
import io.mlmesh.registry.store.VersionRecord;
import io.mlmesh.registry.store.VersionSelector;
import io.mlmesh.registry.v1.ArtifactInfo;
import io.mlmesh.registry.v1.DatasetRef;
import io.mlmesh.registry.v1.FeatureViewRef;
import io.mlmesh.registry.v1.Model;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegisterVersionHeader;
import java.time.Instant;

/** Conversions between the registry's protobuf messages and its stored records. */
final class ProtoMapper {

  private ProtoMapper() {}

  static Model toProto(ModelRecord model) {
    return Model.newBuilder()
        .setName(model.name())
        .setDescription(model.description())
        .putAllTags(model.tags())
        .setCreatedAt(toProto(model.createdAt()))
        .putAllAliases(model.aliases())
        .setLatestVersion(model.latestVersion())
        .build();
  }

  static ModelVersion toProto(VersionRecord version) {
    VersionMetadata metadata = version.metadata();
    return ModelVersion.newBuilder()
        .setModel(version.model())
        .setVersion(version.version())
        .setArtifact(toProto(version.artifact()))
        .putAllParams(metadata.params())
        .putAllMetrics(metadata.metrics())
        .putAllTags(metadata.tags())
        .setDescription(metadata.description())
        .setLineage(toProto(metadata.lineage()))
        .addAllAliases(version.aliases())
        .setCreatedAt(toProto(version.createdAt()))
        .build();
  }

  static ArtifactInfo toProto(Artifact artifact) {
    return ArtifactInfo.newBuilder()
        .setSha256(artifact.sha256())
        .setSizeBytes(artifact.sizeBytes())
        .setFormat(artifact.format())
        .build();
  }

  /** The declared artifact of an upload header, validated. */
  static Artifact declaredArtifact(RegisterVersionHeader header) {
    if (!header.hasArtifact()) {
      throw RegistryException.invalid("header.artifact: missing (sha256 and size_bytes)");
    }
    ArtifactInfo info = header.getArtifact();
    return Artifact.declared(
        "header.artifact", info.getSha256(), info.getSizeBytes(), info.getFormat());
  }

  static VersionMetadata toMetadata(RegisterVersionHeader header) {
    return new VersionMetadata(header.getParamsMap(), header.getMetricsMap(),
        header.getTagsMap(), header.getDescription(), toLineage(header.getLineage()));
  }

  /** The selector of a request; unset means the newest version. */
  static VersionSelector toSelector(io.mlmesh.registry.v1.VersionSelector selector) {
    return switch (selector.getChoiceCase()) {
      case VERSION -> new VersionSelector.ByNumber(requireVersion(
          "selector.version", selector.getVersion()));
      case ALIAS -> new VersionSelector.ByAlias(
          Names.requireValid("selector.alias", selector.getAlias()));
      case LATEST, CHOICE_NOT_SET -> new VersionSelector.Latest();
    };
  }

  static long requireVersion(String field, long version) {
    if (version < 1) {
      throw RegistryException.invalid(field + ": must be >= 1, got " + version);
    }
    return version;
  }

  private static Lineage toLineage(io.mlmesh.registry.v1.Lineage lineage) {
    return new Lineage(
        lineage.getRunId(),
        lineage.getDatasetsList().stream()
            .map(d -> new Lineage.DatasetRef(
                d.getName(), d.getContentSha256(), d.getRowCount(), d.getRole()))
            .toList(),
        lineage.getFeatureViewsList().stream()
            .map(f -> new Lineage.FeatureViewRef(f.getName(), f.getVersion()))
            .toList());
  }

  private static io.mlmesh.registry.v1.Lineage toProto(Lineage lineage) {
    var builder = io.mlmesh.registry.v1.Lineage.newBuilder().setRunId(lineage.runId());
    lineage.datasets().forEach(d -> builder.addDatasets(DatasetRef.newBuilder()
        .setName(d.name())
        .setContentSha256(d.contentSha256())
        .setRowCount(d.rowCount())
        .setRole(d.role())));
    lineage.featureViews().forEach(f -> builder.addFeatureViews(FeatureViewRef.newBuilder()
        .setName(f.name())
        .setVersion(f.version())));
    return builder.build();
  }

  private static Timestamp toProto(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
