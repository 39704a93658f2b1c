package io.mlmesh.monitor.served;

import io.mlmesh.core.drift.DriftReport;
import io.mlmesh.core.drift.FeatureDrift;
import java.time.Instant;
import java.util.Optional;

/**
 * One window of served predictions of one model version, tested against the version's
 * reference: what the dashboard charts as drift per feature over time.
 *
 * @param model the model
 * @param version the version that served the window's predictions
 * @param open whether the window still takes predictions (tested at the time of the call)
 * @param firstPredictionAt the earliest serving time of the window's predictions
 * @param lastPredictionAt the latest serving time of its predictions
 * @param closedAt when the window closed; null while open
 * @param rowCount predictions in the window
 * @param report per feature and for the data set; empty without a reference
 * @param prediction the scores against the reference's test scores; empty without a reference
 * @param referenceRows training rows the reference was profiled from; 0 without one
 * @param referenceNote why there is no reference; empty when there is
 */
public record WindowDrift(
        String model,
        long version,
        boolean open,
        Instant firstPredictionAt,
        Instant lastPredictionAt,
        Instant closedAt,
        long rowCount,
        Optional<DriftReport> report,
        Optional<FeatureDrift> prediction,
        long referenceRows,
        String referenceNote) {

    /** Whether the data set drifted in this window; false without a reference. */
    public boolean datasetDrift() {
        return report.map(DriftReport::datasetDrift).orElse(false);
    }
}
