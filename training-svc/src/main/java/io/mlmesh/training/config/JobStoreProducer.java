package io.mlmesh.training.config;

import io.mlmesh.training.job.JobStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Opens the job store in the configured data folder, once per process. */
public final class JobStoreProducer {

    @Produces
    @Singleton
    JobStore jobStore(TrainingConfig config, Clock clock) {
        return new JobStore(config.dataDir(), clock);
    }
}
