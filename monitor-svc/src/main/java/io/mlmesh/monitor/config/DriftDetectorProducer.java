package io.mlmesh.monitor.config;

import io.mlmesh.core.drift.DriftDetector;
import io.mlmesh.core.drift.DriftSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Builds the one {@link DriftDetector} from {@code mlmesh.monitor.drift.*}. */
final class DriftDetectorProducer {

    private static final Logger LOG = Logger.getLogger(DriftDetectorProducer.class);

    /**
     * The detector; an out-of-range setting stops the start with a message naming it.
     */
    @Produces
    @Singleton
    DriftDetector driftDetector(MonitorConfig config) {
        DriftSettings settings = settings(config.drift());
        LOG.infof("drift detector ready pValueThreshold=%s distanceThreshold=%s psiThreshold=%s"
                + " datasetDriftShare=%s smallReferenceMaxValues=%d minValues=%d",
                settings.pValueThreshold(), settings.distanceThreshold(),
                settings.psiThreshold(), settings.datasetDriftShare(),
                settings.smallReferenceMaxValues(), settings.minValues());
        return new DriftDetector(settings);
    }

    private static DriftSettings settings(MonitorConfig.Drift drift) {
        try {
            return new DriftSettings(drift.pValueThreshold(), drift.distanceThreshold(),
                    drift.psiThreshold(), drift.datasetDriftShare(),
                    drift.smallReferenceMaxValues(), drift.minValues(), drift.quantileBins(),
                    drift.maxSampleValues());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("mlmesh.monitor.drift: " + e.getMessage(), e);
        }
    }
}
