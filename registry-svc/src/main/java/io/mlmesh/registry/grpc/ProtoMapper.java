package io.mlmesh.registry.grpc;

import com.google.protobuf.Timestamp;
import io.mlmesh.registry.backup.BackupSummary;
import io.mlmesh.registry.events.RegistryEvent;
import io.mlmesh.registry.store.Artifact;
import io.mlmesh.registry.store.Lineage;
import io.mlmesh.registry.store.ModelRecord;
import io.mlmesh.registry.store.Names;
import io.mlmesh.registry.store.RegistryException;
import io.mlmesh.registry.store.VersionMetadata;
import io.mlmesh.registry.store.VersionQuery;
import io.mlmesh.registry.store.VersionRecord;
import io.mlmesh.registry.store.VersionSelector;
import io.mlmesh.registry.v1.ArtifactInfo;
import io.mlmesh.registry.v1.DatasetRef;
import io.mlmesh.registry.v1.FeatureViewRef;
import io.mlmesh.registry.v1.MetricCondition;
import io.mlmesh.registry.v1.Model;
import io.mlmesh.registry.v1.ModelVersion;
import io.mlmesh.registry.v1.RegisterVersionHeader;
import io.mlmesh.registry.v1.SearchVersionsRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Conversions between the registry's protobuf messages and its stored records. */
final class ProtoMapper {

  /** Versions a SearchVersions call returns when the request sets no limit. */
  static final int DEFAULT_SEARCH_LIMIT = 100;
  /** The highest limit a SearchVersions request may set. */
  static final int MAX_SEARCH_LIMIT = 1000;

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

  static io.mlmesh.registry.v1.RegistryEvent toProto(RegistryEvent event) {
    return io.mlmesh.registry.v1.RegistryEvent.newBuilder()
        .setRevision(event.revision())
        .setKind(io.mlmesh.registry.v1.RegistryEvent.Kind.valueOf(event.kind().name()))
        .setModel(event.model())
        .setVersion(event.version())
        .setAlias(event.alias())
        .setTimestamp(toProto(event.timestamp()))
        .build();
  }

  static io.mlmesh.registry.v1.BackupSummary toProto(BackupSummary summary) {
    return io.mlmesh.registry.v1.BackupSummary.newBuilder()
        .setRevision(summary.revision())
        .setModelCount(summary.modelCount())
        .setVersionCount(summary.versionCount())
        .setArtifactCount(summary.artifactCount())
        .setArtifactBytes(summary.artifactBytes())
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

  /** The query of a SearchVersions request, validated. */
  static VersionQuery toQuery(SearchVersionsRequest request) {
    String model = request.getModel().isEmpty()
        ? "" : Names.requireValid("model", request.getModel());
    if (request.getLimit() < 0 || request.getLimit() > MAX_SEARCH_LIMIT) {
      throw RegistryException.invalid(String.format(
          "limit: must be 0 to %d, got %d", MAX_SEARCH_LIMIT, request.getLimit()));
    }
    List<VersionQuery.MetricCondition> conditions = new ArrayList<>();
    for (int i = 0; i < request.getMetricsCount(); i++) {
      conditions.add(toCondition("metrics[" + i + "]", request.getMetrics(i)));
    }
    int limit = request.getLimit() == 0 ? DEFAULT_SEARCH_LIMIT : request.getLimit();
    return new VersionQuery(model, request.getTagsMap(), conditions, limit);
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

  private static VersionQuery.MetricCondition toCondition(String field,
      MetricCondition condition) {
    if (condition.getName().isEmpty()) {
      throw RegistryException.invalid(field + ".name: must not be empty");
    }
    if (!Double.isFinite(condition.getValue())) {
      throw RegistryException.invalid(
          field + ".value: must be a finite number, got " + condition.getValue());
    }
    VersionQuery.Comparison comparison = switch (condition.getComparison()) {
      case GREATER_THAN -> VersionQuery.Comparison.GREATER_THAN;
      case GREATER_OR_EQUAL -> VersionQuery.Comparison.GREATER_OR_EQUAL;
      case LESS_THAN -> VersionQuery.Comparison.LESS_THAN;
      case LESS_OR_EQUAL -> VersionQuery.Comparison.LESS_OR_EQUAL;
      case EQUAL -> VersionQuery.Comparison.EQUAL;
      case COMPARISON_UNSPECIFIED, UNRECOGNIZED -> throw RegistryException.invalid(
          field + ".comparison: must be set (GREATER_THAN, LESS_THAN, ...)");
    };
    return new VersionQuery.MetricCondition(condition.getName(), comparison,
        condition.getValue());
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
