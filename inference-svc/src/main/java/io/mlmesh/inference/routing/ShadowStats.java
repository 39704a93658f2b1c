package io.mlmesh.inference.routing;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one shadow of an endpoint has done: copies sent, dropped and failed, and how its scores
 * compare with the primary's row by row. Any thread may update or read it.
 */
final class ShadowStats {

    private static final double DECISION_THRESHOLD = 0.5;

    final EndpointDefinition.Shadow shadow;
    final LongAdder sent = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder failed = new LongAdder();
    private final LongAdder compared = new LongAdder();
    private final LongAdder agreed = new LongAdder();
    private final DoubleAdder absScoreDiff = new DoubleAdder();

    ShadowStats(EndpointDefinition.Shadow shadow) {
        this.shadow = shadow;
    }

    /**
     * Counts the rows of one request both versions scored.
     *
     * @return the rows on the same side of 0.5
     */
    int compare(float[] primary, float[] shadowScores) {
        int rows = Math.min(primary.length, shadowScores.length);
        int same = 0;
        double diff = 0;
        for (int row = 0; row < rows; row++) {
            if ((primary[row] >= DECISION_THRESHOLD) == (shadowScores[row] >= DECISION_THRESHOLD)) {
                same++;
            }
            diff += Math.abs(primary[row] - shadowScores[row]);
        }
        compared.add(rows);
        agreed.add(same);
        absScoreDiff.add(diff);
        return same;
    }

    /** The share of compared rows on the same side of 0.5; NaN before any comparison. */
    double agreementRate() {
        long rows = compared.sum();
        return rows == 0 ? Double.NaN : agreed.sum() / (double) rows;
    }

    RoutingSnapshots.Shadow snapshot() {
        long rows = compared.sum();
        return new RoutingSnapshots.Shadow(shadow.name(), sent.sum(), dropped.sum(),
                failed.sum(), rows, agreementRate(),
                rows == 0 ? Double.NaN : absScoreDiff.sum() / rows);
    }
}
