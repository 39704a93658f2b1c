package io.mlmesh.monitor.dashboard;

import io.mlmesh.monitor.slo.ObjectiveMonitor;
import jakarta.inject.Singleton;
import java.util.List;

/** How many service-level objectives are broken at each sample. */
@Singleton
public final class AlertFigures implements FigureSource {

    static final ChartSpec OPEN_ALERTS = new ChartSpec(Panel.ALERTS, "alerts-open",
            "Open alerts (broken service-level objectives)", "");
    static final String SERIES = "open alerts";

    private final ObjectiveMonitor objectives;

    AlertFigures(ObjectiveMonitor objectives) {
        this.objectives = objectives;
    }

    @Override
    public List<Figure> read() {
        if (objectives.objectives().isEmpty()) {
            return List.of();
        }
        return List.of(new Figure(OPEN_ALERTS, SERIES, objectives.openAlerts().size()));
    }
}
