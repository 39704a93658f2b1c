package io.mlmesh.registry.store;

import java.util.List;

/**
 * Where a version came from.
 *
 * @param runId the training run that produced it; may be empty
 * @param datasets datasets read, with their content digests
 * @param featureViews feature views read, with their versions
 */
public record Lineage(String runId, List<DatasetRef> datasets, List<FeatureViewRef> featureViews) {

  /** A dataset used by a run; {@code role} is for example train or test. */
  public record DatasetRef(String name, String contentSha256, long rowCount, String role) {}

  /** A feature view and the version of it used by a run. */
  public record FeatureViewRef(String name, int version) {}
}
