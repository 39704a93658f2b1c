package io.mlmesh.monitor.drift;

import io.mlmesh.core.drift.DriftDetector;
import io.mlmesh.core.drift.DriftReport;
import io.mlmesh.core.drift.ReferenceProfile;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.monitor.v1.CompareDatasetsRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Compares two training sets of the feature store: profiles the reference, as it would be
 * stored with a model version, and tests the current set against that profile, so that the
 * result is the one a stored profile will give. Blocking; called on worker threads.
 */
@ApplicationScoped
public class DatasetComparer {

    private static final Logger LOG = Logger.getLogger(DatasetComparer.class);

    private final TrainingSetReader reader;
    private final DriftDetector detector;

    public DatasetComparer(TrainingSetReader reader, DriftDetector detector) {
        this.reader = reader;
        this.detector = detector;
    }

    /**
     * Compares the sets of a request.
     *
     * @throws IllegalArgumentException on a bad request, naming the field
     * @throws PeerFailure when the feature store refuses or fails a read
     */
    public DatasetComparison compare(CompareDatasetsRequest request) {
        requireSet("reference", request.hasReference(), request.getReference());
        requireSet("current", request.hasCurrent(), request.getCurrent());
        List<String> columns = requireColumns(request.getColumnsList());
        long startNanos = System.nanoTime();

        StreamedSet reference = reader.read("reference", request.getReference(), columns);
        StreamedSet current = reader.read("current", request.getCurrent(), columns);
        requireSameReadings(reference, current);
        ReferenceProfile profile = ReferenceProfile.of(reference.rowCount(),
                reference.columns(), detector.settings());
        DriftReport report = detector.compare(profile, current.columns());

        LOG.infof("datasets compared reference=%s referenceRows=%d current=%s currentRows=%d"
                + " columns=%d drifted=%d verdict=%s millis=%d",
                request.getReference().getSource(), reference.rowCount(),
                request.getCurrent().getSource(), current.rowCount(), columns.size(),
                report.driftedCount(), report.verdict(),
                (System.nanoTime() - startNanos) / 1_000_000);
        return new DatasetComparison(report, reference.rowCount(), current.rowCount(),
                reference.contentSha256(), current.contentSha256());
    }

    private static void requireSet(String field, boolean present,
            GetTrainingSetRequest request) {
        if (!present) {
            throw new IllegalArgumentException(field + ": required (a GetTrainingSetRequest)");
        }
        if (request.getSource().isBlank()) {
            throw new IllegalArgumentException(field + ".source: required");
        }
    }

    private static List<String> requireColumns(List<String> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("columns: at least one column is required");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < columns.size(); i++) {
            String column = columns.get(i);
            if (column.isBlank()) {
                throw new IllegalArgumentException("columns[" + i + "]: must not be empty");
            }
            if (!seen.add(column)) {
                throw new IllegalArgumentException("columns[" + i + "]: '" + column
                        + "' is listed twice");
            }
        }
        return columns;
    }

    private static void requireSameReadings(StreamedSet reference, StreamedSet current) {
        reference.readings().forEach((column, reading) -> {
            ColumnReading other = current.readings().get(column);
            if (other != reading) {
                throw new IllegalArgumentException("columns: '" + column + "' is read as "
                        + reading + " in the reference set but as " + other
                        + " in the current set");
            }
        });
    }
}
