package io.mlmesh.training.job;

import io.mlmesh.training.v1.Job;

/**
 * Receives a job's changes. Called under the job store's lock, in the order of the changes:
 * implementations must return quickly and must not call back into the store.
 */
@FunctionalInterface
public interface JobWatcher {

    void onChange(Job job);
}
