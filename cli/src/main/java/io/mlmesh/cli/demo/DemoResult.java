package io.mlmesh.cli.demo;

import io.mlmesh.monitor.v1.DatasetDrift;
import io.mlmesh.monitor.v1.Trace;
import io.mlmesh.monitor.v1.TraceSummary;

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
 */
public record DemoResult(long modelVersion, double offlineAuc, double servedAuc, int rows,
        int featureMismatches, boolean testHashMatches, long p50Micros, long p99Micros,
        double callsPerSecond, Baseline baseline, DatasetDrift drift, TraceSummary traces,
        Trace slowestPredict) {

    /**
     * OIP ModelInfer on the vectors Predict built.
     *
     * @param scoreMismatches rows whose ModelInfer probability differs from the Predict score
     */
    public record Baseline(int scoreMismatches, long p50Micros, long p99Micros,
            double callsPerSecond) {
    }

    /** Served and offline AUC agree to 1e-6 on the same rows: the parity check. */
    public boolean aucAgrees() {
        return Math.abs(servedAuc - offlineAuc) <= 1e-6;
    }
}
