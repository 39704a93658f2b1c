package io.mlmesh.core.metrics;

/**
 * One bin of a calibration table: rows of similar score, their mean score and how often they
 * are positive. A calibrated model has {@code meanPredicted} close to {@code observedRate}.
 *
 * @param minScore the lowest score in the bin
 * @param maxScore the highest score in the bin
 * @param meanPredicted the mean score of the bin's rows
 * @param observedRate the share of the bin's rows labelled 1
 * @param rowCount the bin's rows, at least 1
 */
public record CalibrationBin(double minScore, double maxScore, double meanPredicted,
        double observedRate, long rowCount) {
}
