package io.mlmesh.inference.routing;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;

/**
 * One endpoint while it is set: its split, its per-variant and per-shadow figures, and its
 * canary's window and rollback. Replacing the endpoint builds a new instance, so figures start
 * from zero with the new definition.
 *
 * <p>Canary: every finished call of the canary variant goes into its {@link CanaryWindow};
 * once the window holds {@code min_calls}, an error rate above the limit, or a p99 above it
 * (judged at most every 100 ms), rolls the canary back for good: from then on the keys that
 * hashed to the canary are answered by the stable variant (the first other one), while every
 * other key keeps its variant. The event is logged at WARN and kept for GetEndpoint.
 *
 * <p>Any thread may call any method.
 */
final class RoutedEndpoint {

    private static final Logger LOG = Logger.getLogger(RoutedEndpoint.class);

    static final String REQUESTS_METER = "mlmesh.inference.endpoint.requests";
    static final String SHADOW_COPIES_METER = "mlmesh.inference.shadow.copies";
    static final String SHADOW_AGREEMENT_METER = "mlmesh.inference.shadow.agreement";

    /** Why and when the canary was rolled back. */
    private record Rollback(String reason, Instant at) {
    }

    /** One variant's counters and timers. */
    static final class VariantState {

        final EndpointDefinition.Variant variant;
        final LongAdder calls = new LongAdder();
        final LongAdder errors = new LongAdder();
        final Timer succeeded;
        final Timer failed;

        VariantState(EndpointDefinition.Variant variant, Timer succeeded, Timer failed) {
            this.variant = variant;
            this.succeeded = succeeded;
            this.failed = failed;
        }
    }

    final EndpointDefinition definition;
    private final TrafficSplit split;
    private final VariantState[] variants;
    private final List<ShadowStats> shadows = new ArrayList<>();
    private final List<Meter> meters = new ArrayList<>();
    private final int canaryIndex;
    private final int stableIndex;
    private final CanaryWindow window;
    private long lastP99CheckNanos;
    private volatile Rollback rollback;

    RoutedEndpoint(EndpointDefinition definition, MeterRegistry registry, long nowNanos) {
        this.definition = definition;
        this.split = new TrafficSplit(definition.variants().stream()
                .map(EndpointDefinition.Variant::weight).toList());
        this.variants = new VariantState[definition.variants().size()];
        for (int i = 0; i < variants.length; i++) {
            variants[i] = variantState(definition.variants().get(i), registry);
        }
        definition.shadows().forEach(shadow -> shadows.add(shadowStats(shadow, registry)));

        EndpointDefinition.CanaryPolicy canary = definition.canary();
        this.canaryIndex = canary == null ? -1 : definition.indexOf(canary.variant());
        this.stableIndex = canaryIndex == 0 ? 1 : 0;
        this.window = canary == null ? null : new CanaryWindow(canary.windowSeconds(), nowNanos);
        this.lastP99CheckNanos = nowNanos - CanaryWindow.P99_CHECK_INTERVAL_NANOS;
    }

    /** The variant for {@code routingKey} (empty: random), after any canary rollback. */
    VariantState pick(String routingKey) {
        int index = split.pick(routingKey);
        if (index == canaryIndex && rollback != null) {
            index = stableIndex;
        }
        return variants[index];
    }

    List<ShadowStats> shadows() {
        return shadows;
    }

    /** Counts a finished call of {@code variant}; judges the canary when it is the canary. */
    void record(VariantState variant, boolean failed, long latencyNanos, long nowNanos) {
        variant.calls.increment();
        if (failed) {
            variant.errors.increment();
            variant.failed.record(latencyNanos, TimeUnit.NANOSECONDS);
        } else {
            variant.succeeded.record(latencyNanos, TimeUnit.NANOSECONDS);
        }
        if (window != null && variant == variants[canaryIndex] && rollback == null) {
            window.record(nowNanos, failed, latencyNanos);
            judgeCanary(nowNanos);
        }
    }

    RoutingSnapshots.Endpoint snapshot(long nowNanos) {
        List<RoutingSnapshots.Variant> variantFigures = new ArrayList<>();
        boolean rolledBack = rollback != null;
        for (int i = 0; i < variants.length; i++) {
            long weight = variants[i].variant.weight();
            long effective = !rolledBack ? weight
                    : i == canaryIndex ? 0
                    : i == stableIndex ? weight + variants[canaryIndex].variant.weight()
                    : weight;
            variantFigures.add(new RoutingSnapshots.Variant(variants[i].variant.name(),
                    effective, variants[i].calls.sum(), variants[i].errors.sum()));
        }
        return new RoutingSnapshots.Endpoint(definition, variantFigures,
                shadows.stream().map(ShadowStats::snapshot).toList(), canarySnapshot(nowNanos));
    }

    /** Removes this endpoint's meters from {@code registry}. */
    void removeMeters(MeterRegistry registry) {
        meters.forEach(registry::remove);
    }

    private void judgeCanary(long nowNanos) {
        EndpointDefinition.CanaryPolicy policy = definition.canary();
        String reason = null;
        long calls;
        synchronized (window) {
            calls = window.calls(nowNanos);
            if (rollback != null || calls < policy.minCalls()) {
                return;
            }
            double errorRate = window.errors(nowNanos) / (double) calls;
            if (errorRate > policy.maxErrorRate()) {
                reason = String.format(Locale.ROOT, "error_rate=%.3f > max_error_rate=%s",
                        errorRate, policy.maxErrorRate());
            } else if (policy.maxP99Millis() > 0
                    && nowNanos - lastP99CheckNanos >= CanaryWindow.P99_CHECK_INTERVAL_NANOS) {
                lastP99CheckNanos = nowNanos;
                double p99Millis = window.p99Micros(nowNanos) / 1000.0;
                if (p99Millis > policy.maxP99Millis()) {
                    reason = String.format(Locale.ROOT, "p99_millis=%.1f > max_p99_millis=%d",
                            p99Millis, policy.maxP99Millis());
                }
            }
            if (reason == null) {
                return;
            }
            rollback = new Rollback(reason, Instant.now());
        }
        LOG.warnf("canary rolled back endpoint=%s variant=%s stable=%s window_calls=%d "
                + "window_seconds=%d %s", definition.name(), policy.variant(),
                variants[stableIndex].variant.name(), calls, policy.windowSeconds(), reason);
    }

    private RoutingSnapshots.Canary canarySnapshot(long nowNanos) {
        if (window == null) {
            return null;
        }

        Rollback rolledBack = rollback;
        long calls;
        long errors;
        long p99Micros;
        synchronized (window) {
            calls = window.calls(nowNanos);
            errors = window.errors(nowNanos);
            p99Micros = window.p99Micros(nowNanos);
        }
        return new RoutingSnapshots.Canary(definition.canary().variant(), rolledBack != null,
                rolledBack == null ? "" : rolledBack.reason(),
                rolledBack == null ? null : rolledBack.at(), calls,
                calls == 0 ? 0 : errors / (double) calls, p99Micros / 1000.0);
    }

    private VariantState variantState(EndpointDefinition.Variant variant,
            MeterRegistry registry) {
        Tags tags = Tags.of("endpoint", definition.name(), "variant", variant.name());
        Timer succeeded = Timer.builder(REQUESTS_METER)
                .description("Requests answered through an endpoint, by variant and outcome")
                .tags(tags).tag("outcome", "success").register(registry);
        Timer failed = Timer.builder(REQUESTS_METER).tags(tags).tag("outcome", "error")
                .register(registry);
        meters.add(succeeded);
        meters.add(failed);
        return new VariantState(variant, succeeded, failed);
    }

    private ShadowStats shadowStats(EndpointDefinition.Shadow shadow, MeterRegistry registry) {
        ShadowStats stats = new ShadowStats(shadow);
        Tags tags = Tags.of("endpoint", definition.name(), "shadow", shadow.name());
        meters.add(FunctionCounter.builder(SHADOW_COPIES_METER, stats, s -> s.sent.sum())
                .tags(tags).tag("outcome", "sent").register(registry));
        meters.add(FunctionCounter.builder(SHADOW_COPIES_METER, stats, s -> s.dropped.sum())
                .tags(tags).tag("outcome", "dropped").register(registry));
        meters.add(FunctionCounter.builder(SHADOW_COPIES_METER, stats, s -> s.failed.sum())
                .tags(tags).tag("outcome", "failed").register(registry));
        meters.add(Gauge.builder(SHADOW_AGREEMENT_METER, stats, ShadowStats::agreementRate)
                .description("Share of rows where shadow and primary fall on the same side "
                        + "of 0.5")
                .tags(tags).register(registry));
        return stats;
    }
}
