package io.mlmesh.inference.routing;

import java.time.Instant;
import java.util.List;

/** What {@link EndpointRouter} reports about an endpoint: values, read at one moment. */
public final class RoutingSnapshots {

    private RoutingSnapshots() {
    }

    /**
     * An endpoint's definition and statistics since it was set.
     *
     * @param canary null when the endpoint has no canary
     */
    public record Endpoint(EndpointDefinition definition, List<Variant> variants,
            List<Shadow> shadows, Canary canary) {
    }

    /**
     * @param effectiveWeight the weight routed by now (0 for a rolled-back canary)
     * @param errors calls that failed after routing, the caller's own faults excepted
     */
    public record Variant(String name, long effectiveWeight, long calls, long errors) {
    }

    /**
     * @param compared rows both versions scored
     * @param agreementRate share of compared rows on the same side of 0.5; NaN when none
     * @param meanAbsScoreDiff NaN when no row was compared
     */
    public record Shadow(String name, long sent, long dropped, long failed, long compared,
            double agreementRate, double meanAbsScoreDiff) {
    }

    /**
     * @param rolledBackAt null while the canary serves
     * @param reason why it was rolled back; empty while it serves
     */
    public record Canary(String variant, boolean rolledBack, String reason, Instant rolledBackAt,
            long windowCalls, double windowErrorRate, double windowP99Millis) {
    }
}
