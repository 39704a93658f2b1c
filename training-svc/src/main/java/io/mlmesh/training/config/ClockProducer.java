package io.mlmesh.training.config;

import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/** The wall clock jobs are stamped with; tests build their components with their own. */
public final class ClockProducer {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
