package io.mlmesh.monitor.dashboard;

import io.mlmesh.monitor.config.DashboardConfig;
import io.mlmesh.monitor.feedback.FeedbackLoop;
import io.mlmesh.monitor.feedback.FeedbackUnavailableException;
import io.mlmesh.monitor.feedback.GroupQuality;
import io.mlmesh.monitor.feedback.PredictionsNotFoundException;
import io.mlmesh.monitor.served.ServedDriftMonitor;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Live quality per model version and variant of the models in
 * {@code mlmesh.monitor.dashboard.models}, or when none are listed of every model whose
 * predictions the monitor has consumed, from the feedback loop's joined rows: AUC, accuracy
 * and log loss of every row joined so far (within the feedback retention), so each sample shows
 * where quality stands as outcomes arrive. A series is named {@code <model> v<version>
 * <variant>}.
 *
 * <p>A model that cannot be read (Redis down, nothing logged yet) is left out of the sample; a
 * warning says so when it starts failing and an info line when it reads again, so a long outage
 * logs two lines, not one per sample. Called on the sampler's thread only.
 */
@Singleton
public final class QualityFigures implements FigureSource {

    static final ChartSpec AUC = new ChartSpec(Panel.QUALITY, "quality-auc",
            "Live AUC per model version and variant", "");
    static final ChartSpec ACCURACY = new ChartSpec(Panel.QUALITY, "quality-accuracy",
            "Live accuracy per model version and variant", "");
    static final ChartSpec LOG_LOSS = new ChartSpec(Panel.QUALITY, "quality-log-loss",
            "Live log loss per model version and variant", "");

    private static final Logger LOG = Logger.getLogger(QualityFigures.class);

    private final FeedbackLoop feedback;
    private final ServedDriftMonitor served;
    private final Optional<List<String>> listedModels;
    private final Set<String> failingModels = new HashSet<>();

    QualityFigures(FeedbackLoop feedback, ServedDriftMonitor served, DashboardConfig config) {
        this.feedback = feedback;
        this.served = served;
        this.listedModels = config.models();
    }

    @Override
    public List<Figure> read() {
        List<Figure> figures = new ArrayList<>();
        for (String model : listedModels.orElseGet(
                () -> List.copyOf(served.servedVersions().keySet()))) {
            readModel(model, figures);
        }
        return figures;
    }

    private void readModel(String model, List<Figure> figures) {
        List<GroupQuality> groups;
        try {
            groups = feedback.liveQuality(model, 0).groups();
        } catch (FeedbackUnavailableException | PredictionsNotFoundException e) {
            if (failingModels.add(model)) {
                LOG.warnf("dashboard quality not read model=%s reason=\"%s\"", model,
                        e.getMessage());
            }
            return;
        }

        if (failingModels.remove(model)) {
            LOG.infof("dashboard quality read again model=%s", model);
        }
        for (GroupQuality group : groups) {
            String series = model + " v" + group.version() + " " + group.variant();
            if (group.aucDefined()) {
                figures.add(new Figure(AUC, series, group.auc()));
            }
            figures.add(new Figure(ACCURACY, series, group.accuracy()));
            figures.add(new Figure(LOG_LOSS, series, group.logLoss()));
        }
    }
}
