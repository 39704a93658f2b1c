package io.mlmesh.monitor.dashboard;

import io.mlmesh.core.drift.DriftReport;
import io.mlmesh.core.drift.FeatureDrift;
import io.mlmesh.monitor.served.ServedDriftMonitor;
import io.mlmesh.monitor.served.WindowDrift;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drift of served traffic over time, from the closed windows {@link ServedDriftMonitor} keeps
 * per model version: the PSI of every feature and of the prediction score against the
 * version's training reference, and the share of features that drifted. PSI is charted rather
 * than each test's score because its scale is the same for every feature, whereas the scores
 * mix p-values (KS, chi-square) with distances (Wasserstein, Jensen–Shannon).
 *
 * <p>A window is one point, at the time it closed; series are named {@code <model>
 * v<version> <feature>}. Windows without a reference give no point.
 */
@Singleton
public final class DriftCharts implements ChartSource {

    static final ChartSpec STABILITY = new ChartSpec(Panel.DRIFT, "drift-psi",
            "PSI per feature and of the score, served windows against the training reference",
            "");
    static final ChartSpec DRIFTED_SHARE = new ChartSpec(Panel.DRIFT, "drift-share",
            "Share of features drifting per served window", "");
    static final String PREDICTION = "prediction";

    private final ServedDriftMonitor drift;

    public DriftCharts(ServedDriftMonitor drift) {
        this.drift = drift;
    }

    @Override
    public List<Chart> charts() {
        List<Sample> stability = new ArrayList<>();
        List<Sample> shares = new ArrayList<>();
        drift.servedVersions().forEach((model, versions) -> versions.forEach(version ->
                addWindows(model, version, stability, shares)));
        if (stability.isEmpty()) {
            return List.of();
        }

        stability.sort(Comparator.comparingLong(Sample::epochMillis));
        shares.sort(Comparator.comparingLong(Sample::epochMillis));
        return List.of(Chart.of(STABILITY, stability), Chart.of(DRIFTED_SHARE, shares));
    }

    private void addWindows(String model, long version, List<Sample> stability,
            List<Sample> shares) {
        String prefix = model + " v" + version + " ";
        for (WindowDrift window : drift.history(model, version)) {
            if (window.report().isEmpty() || window.closedAt() == null) {
                continue;
            }
            long closedMillis = window.closedAt().toEpochMilli();
            DriftReport report = window.report().get();
            Map<String, Double> psi = new HashMap<>();
            for (FeatureDrift feature : report.features()) {
                putFinite(psi, prefix + feature.feature(), feature.populationStabilityIndex());
            }
            window.prediction().ifPresent(score -> putFinite(psi, prefix + PREDICTION,
                    score.populationStabilityIndex()));
            stability.add(new Sample(closedMillis, psi));
            shares.add(new Sample(closedMillis, Map.of(prefix.strip(), report.driftedShare())));
        }
    }

    private static void putFinite(Map<String, Double> values, String series, double value) {
        if (Double.isFinite(value)) {
            values.put(series, value);
        }
    }
}
