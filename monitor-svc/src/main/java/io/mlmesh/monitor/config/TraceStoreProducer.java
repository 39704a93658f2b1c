package io.mlmesh.monitor.config;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlmesh.monitor.store.TraceStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Builds the one {@link TraceStore} from configuration and publishes its counts as metrics. */
final class TraceStoreProducer {

    private static final Logger LOG = Logger.getLogger(TraceStoreProducer.class);

    @Produces
    @Singleton
    TraceStore traceStore(MonitorConfig config, MeterRegistry registry) {
        TraceStore store = new TraceStore(config.maxTraces(), config.maxSpansPerTrace());
        Gauge.builder("mlmesh.monitor.traces.held", store, TraceStore::heldTraceCount)
                .description("Traces held in memory")
                .register(registry);
        FunctionCounter.builder("mlmesh.monitor.traces.evicted", store,
                        TraceStore::evictedTraceCount)
                .description("Oldest traces evicted to stay within mlmesh.monitor.max-traces")
                .register(registry);
        FunctionCounter.builder("mlmesh.monitor.spans.received", store,
                        TraceStore::receivedSpanCount)
                .description("Spans received through OTLP")
                .register(registry);
        FunctionCounter.builder("mlmesh.monitor.spans.dropped", store,
                        TraceStore::droppedSpanCount)
                .description("Spans counted but not held, beyond max-spans-per-trace")
                .register(registry);
        LOG.infof("trace store ready maxTraces=%d maxSpansPerTrace=%d",
                config.maxTraces(), config.maxSpansPerTrace());
        return store;
    }
}
