package io.mlmesh.monitor.feedback;

import io.mlmesh.monitor.v1.PredictionLogEntry;
import io.mlmesh.monitor.v1.RecordOutcomeRequest;

/**
 * A served prediction with its recorded outcome.
 *
 * @param prediction the prediction log entry as inference-svc wrote it
 * @param outcome the outcome as recorded, its time always set
 */
public record JoinedRow(PredictionLogEntry prediction, RecordOutcomeRequest outcome) {
}
