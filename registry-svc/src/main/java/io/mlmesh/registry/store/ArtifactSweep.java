package io.mlmesh.registry.store;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Removes, at start-up, artifact files that no version references. A registry that died (or
 * lost its database) after moving an upload's file into place and before committing its
 * version leaves such a file, and so does a restore that died before writing its metadata.
 *
 * <p>Why at start-up only: a file is judged under the artifact store's write lock, which
 * registrations of this process respect, but another registry process on the same folder would
 * not; the deployment runs one registry process per folder (the Helm chart replaces its pod with
 * the Recreate strategy), so the start of that process is the moment no one else writes.
 */
@Singleton
class ArtifactSweep {

  private static final Logger LOG = Logger.getLogger(ArtifactSweep.class);

  private final ArtifactStore artifacts;
  private final MetadataStore metadata;

  ArtifactSweep(ArtifactStore artifacts, MetadataStore metadata) {
    this.artifacts = artifacts;
    this.metadata = metadata;
  }

  void sweep(@Observes StartupEvent start) {
    int removed = artifacts.deleteUnreferenced(
        artifacts.storedSha256s(), metadata::isArtifactReferenced);
    LOG.infof("artifact sweep done unreferenced_removed=%d", removed);
  }
}
