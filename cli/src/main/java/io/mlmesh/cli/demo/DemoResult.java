package io.mlmesh.cli.demo;

import io.mlmesh.featurestore.v1.IngestionReport;
import io.mlmesh.monitor.v1.DatasetDrift;
import io.mlmesh.monitor.v1.Trace;
import io.mlmesh.monitor.v1.TraceSummary;
import io.mlmesh.monitor.v1.VariantQuality;
import java.util.List;

/**
 * What the flights demo measured.
 *
 * @param modelVersion the registry version served as production
 * @param offlineAuc the training job's AUC on the test rows
 * @param servedAuc the AUC of the scores served over gRPC for the same rows
 * @param rows test rows scored
 * @param featureMismatches rows whose served online features differ from their offline row
 * @param testHashMatches whether the replayed rows are exactly the rows the job evaluated on
 * @param p50Micros median Predict latency seen by the client
 * @param p99Micros 99th percentile Predict latency seen by the client
 * @param callsPerSecond Predict calls per second during the replay, materialization excluded
 * @param baseline the same vectors through OIP ModelInfer, the latency baseline
 * @param drift the monitor's drift report of the test month against the training months
 * @param traces the monitor's summary of the traces it received
 * @param slowestPredict the slowest Predict call's trace, with the spans of every service
 * @param live the monitor's quality from the outcomes fed back for the replayed rows
 * @param ingestion the feature store's account of the flights file checked on the way in
 * @param experiment the A/B split and shadow on the test month's last week
 */
public record DemoResult(long modelVersion, double offlineAuc, double servedAuc, int rows,
        int featureMismatches, boolean testHashMatches, long p50Micros, long p99Micros,
        double callsPerSecond, Baseline baseline, DatasetDrift drift, TraceSummary traces,
        Trace slowestPredict, Live live, IngestionReport ingestion,
        VariantExperiment.Outcome experiment) {

    /**
     * OIP ModelInfer on the vectors Predict built.
     *
     * @param scoreMismatches rows whose ModelInfer probability differs from the Predict score
     */
    public record Baseline(int scoreMismatches, long p50Micros, long p99Micros,
            double callsPerSecond) {
    }

    /**
     * Live quality: the monitor's figures from the predictions inference-svc logged, joined with
     * the true outcomes the demo recorded afterwards.
     *
     * @param enabled whether the mesh has the feedback loop (it needs Redis)
     * @param recorded outcomes recorded, one per replayed row
     * @param groups the monitor's quality per model version and variant
     */
    public record Live(boolean enabled, int recorded, List<VariantQuality> groups) {

        public Live {
            groups = List.copyOf(groups);
        }

        /** The loop is off: nothing recorded, no figures. */
        static Live off() {
            return new Live(false, 0, List.of());
        }

        /** Rows joined over every group. */
        public long joinedCount() {
            return joinedCount(groups);
        }

        /** The AUC of the only group; NaN unless there is exactly one with a defined AUC. */
        public double auc() {
            if (groups.size() != 1 || !groups.get(0).getAucDefined()) {
                return Double.NaN;
            }
            return groups.get(0).getAuc();
        }

        static long joinedCount(List<VariantQuality> groups) {
            return groups.stream().mapToLong(VariantQuality::getJoinedCount).sum();
        }

        /** One group's figures on one line. */
        static String describe(VariantQuality group) {
            String variant = group.getVariant().isEmpty() ? "(no endpoint)" : group.getVariant();
            return String.format("v%d variant %s: AUC %.6f, log loss %.6f, accuracy %.4f on"
                    + " %,d joined outcomes (%,d late)", group.getVersion(), variant,
                    group.getAuc(), group.getLogLoss(), group.getAccuracy(),
                    group.getJoinedCount(), group.getPositiveCount());
        }
    }

    /** Served and offline AUC agree to 1e-6 on the same rows: the parity check. */
    public boolean aucAgrees() {
        return Math.abs(servedAuc - offlineAuc) <= 1e-6;
    }

    /**
     * The live check: every replayed row joined its outcome, in one group, and the monitor's
     * AUC from the logged scores equals the served AUC to 1e-6. False when the loop is off.
     */
    public boolean liveAgrees() {
        return live.enabled() && live.joinedCount() == rows
                && Math.abs(live.auc() - servedAuc) <= 1e-6;
    }
}
