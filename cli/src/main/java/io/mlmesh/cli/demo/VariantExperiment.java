package io.mlmesh.cli.demo;

import io.mlmesh.core.metrics.BinaryMetrics;
import io.mlmesh.inference.v1.Endpoint;
import io.mlmesh.inference.v1.EndpointShadow;
import io.mlmesh.inference.v1.EndpointStatus;
import io.mlmesh.inference.v1.EndpointVariant;
import io.mlmesh.inference.v1.GetEndpointRequest;
import io.mlmesh.inference.v1.LoadModelRequest;
import io.mlmesh.inference.v1.PredictorGrpc;
import io.mlmesh.inference.v1.SetEndpointRequest;
import io.mlmesh.inference.v1.ShadowStats;
import io.mlmesh.inference.v1.VariantStats;
import io.mlmesh.monitor.v1.GetLiveQualityRequest;
import io.mlmesh.monitor.v1.MonitorGrpc;
import io.mlmesh.monitor.v1.VariantComparison;
import io.mlmesh.monitor.v1.VariantQuality;
import io.mlmesh.registry.v1.RegistryGrpc;
import io.mlmesh.registry.v1.SetAliasRequest;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.ModelFamily;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * The demo's experiment: an endpoint splits the last week of the test month between the
 * production model and a candidate (a shallower XGBoost), half each, sticky per request id,
 * while a logistic regression gets a copy of every call as a shadow. Each variant's served AUC
 * is computed from the scores its calls returned; the monitor's live AUC per variant, from the
 * outcomes fed back, must equal it; the shadow's agreement with the primary comes from the
 * endpoint's statistics. The shadow never answers a call.
 */
public final class VariantExperiment {

    public static final String ENDPOINT = "flights-delay-ab";
    public static final String PRODUCTION = "production";
    public static final String CANDIDATE = "candidate";
    public static final String SHADOW = "shadow";
    private static final List<String> SPLIT = List.of(PRODUCTION, CANDIDATE);
    /** What the request ids of the experiment's calls start with. */
    static final String REQUEST_IDS = "ab";
    private static final int DAYS = 7;
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    /** The stubs the experiment calls. */
    record Services(RegistryGrpc.RegistryBlockingStub registry,
            PredictorGrpc.PredictorBlockingStub predictor,
            MonitorGrpc.MonitorBlockingStub monitor) {
    }

    /**
     * What the experiment measured.
     *
     * @param rows flights sent to the endpoint
     * @param variants per variant, in the endpoint's order
     * @param comparison the monitor's significance test between the two variants; absent when
     *     the feedback loop is off
     * @param shadow the endpoint's statistics for the shadow
     * @param shadowVersion the version the shadow ran
     * @param liveAgrees whether every variant's live AUC equals its served AUC to 1e-6 with
     *     every outcome joined; false when the feedback loop is off
     */
    public record Outcome(int rows, List<Variant> variants,
            Optional<VariantComparison> comparison, ShadowStats shadow, long shadowVersion,
            boolean liveAgrees) {

        public Outcome {
            variants = List.copyOf(variants);
        }
    }

    /**
     * One variant's figures.
     *
     * @param servedAuc from the scores the variant's calls returned
     * @param live the monitor's figures for the variant; absent when the loop is off
     */
    public record Variant(String name, long version, long calls, long errors, long p50Micros,
            long p99Micros, double servedAuc, Optional<VariantQuality> live) {
    }

    private final Services services;
    private final DemoTraining training;
    private final TestMonthReplay replay;
    private final OutcomeFeedback feedback;
    private final PrintStream out;

    /**
     * @param replay sends rows to {@link #ENDPOINT} with request ids from {@link #REQUEST_IDS}
     * @param feedback records outcomes under those ids; null when the mesh has no feedback loop
     */
    VariantExperiment(Services services, DemoTraining training, TestMonthReplay replay,
            OutcomeFeedback feedback, PrintStream out) {
        this.services = services;
        this.training = training;
        this.replay = replay;
        this.feedback = feedback;
        this.out = out;
    }

    /** Trains the two challengers, sets the endpoint, sends the last week through it. */
    Outcome run(long productionVersion, List<FlightRow> testRows) {
        Job candidate = training.train("XGBoost (candidate)", ModelFamily.MODEL_FAMILY_XGBOOST,
                Map.of("num_round", "60", "max_depth", "4", "eta", "0.2"));
        Job shadow = training.train("logistic regression (shadow)",
                ModelFamily.MODEL_FAMILY_LOGISTIC_REGRESSION, Map.of());
        Map<String, Long> versions = new LinkedHashMap<>();
        versions.put(PRODUCTION, productionVersion);
        versions.put(CANDIDATE, candidate.getRegisteredVersion());
        versions.put(SHADOW, shadow.getRegisteredVersion());
        loadChallengersThenProduction(versions);
        setEndpoint(versions);

        List<FlightRow> rows = lastDays(testRows);
        out.printf("%n[inference] endpoint %s: %s v%d 50%% / %s v%d 50%% (sticky per request"
                + " id), v%d as shadow gets a copy of every call; sending the test month's last"
                + " %d days, %,d flights (the first day twice: warm-up)%n", ENDPOINT, PRODUCTION,
                productionVersion, CANDIDATE, versions.get(CANDIDATE), versions.get(SHADOW), DAYS,
                rows.size());
        TestMonthReplay.Outcome served = replay.run(rows);
        DemoResult.Live live = feedback == null ? DemoResult.Live.off()
                : feedback.run(rows, 0, group -> SPLIT.contains(group.getVariant()));

        EndpointStatus status = services.predictor().getEndpoint(
                GetEndpointRequest.newBuilder().setName(ENDPOINT).build());
        List<Variant> variants = variantsOf(status, versions, served, rows, live);
        Outcome outcome = new Outcome(rows.size(), variants, comparison(live),
                status.getShadows(0), versions.get(SHADOW),
                live.enabled() && agrees(variants, rows.size()));
        print(outcome);
        return outcome;
    }

    private void loadChallengersThenProduction(Map<String, Long> versions) {
        for (String alias : List.of(CANDIDATE, SHADOW)) {
            services.registry().setAlias(SetAliasRequest.newBuilder()
                    .setModel(FlightsDemo.MODEL).setAlias(alias).setVersion(versions.get(alias))
                    .build());
            services.predictor().loadModel(LoadModelRequest.newBuilder()
                    .setModel(FlightsDemo.MODEL).setVersion(versions.get(alias)).build());
        }
        services.predictor().loadModel(LoadModelRequest.newBuilder()
                .setModel(FlightsDemo.MODEL).setAlias(PRODUCTION).build());
        out.printf("[registry] aliases %s%n[inference] loaded all three; production stays the"
                + " model's default%n", versions);
    }

    /**
     * Production follows its alias (hot swap); the challengers are pinned by number, loaded
     * without following theirs: a registry watch cancelled while it replays the event log can
     * break the inference-to-registry connection (see README, Limits).
     */
    private void setEndpoint(Map<String, Long> versions) {
        services.predictor().setEndpoint(SetEndpointRequest.newBuilder()
                .setEndpoint(Endpoint.newBuilder()
                        .setName(ENDPOINT)
                        .addVariants(variant(PRODUCTION).setAlias(PRODUCTION))
                        .addVariants(variant(CANDIDATE).setVersion(versions.get(CANDIDATE)))
                        .addShadows(EndpointShadow.newBuilder().setName(SHADOW)
                                .setModel(FlightsDemo.MODEL).setVersion(versions.get(SHADOW))
                                .setSampleRate(1.0)))
                .build());
    }

    private static EndpointVariant.Builder variant(String name) {
        return EndpointVariant.newBuilder().setName(name).setModel(FlightsDemo.MODEL)
                .setWeight(1);
    }

    /** The test rows of the last days: they are in time order. */
    private static List<FlightRow> lastDays(List<FlightRow> testRows) {
        long lastMicros = testRows.get(testRows.size() - 1).timeMicros();
        long fromMicros = (lastMicros / MICROS_PER_DAY - (DAYS - 1)) * MICROS_PER_DAY;
        return testRows.stream().filter(row -> row.timeMicros() >= fromMicros).toList();
    }

    private static List<Variant> variantsOf(EndpointStatus status, Map<String, Long> versions,
            TestMonthReplay.Outcome served, List<FlightRow> rows, DemoResult.Live live) {
        List<Variant> variants = new ArrayList<>();
        for (VariantStats stats : status.getVariantsList()) {
            String name = stats.getVariant();
            Histogram latency = served.latencyByVariant().get(name);
            variants.add(new Variant(name, versions.get(name), stats.getCalls(),
                    stats.getErrors(), latency == null ? 0 : latency.getValueAtPercentile(50),
                    latency == null ? 0 : latency.getValueAtPercentile(99),
                    servedAuc(name, served, rows), live.groups().stream()
                            .filter(group -> group.getVariant().equals(name)).findFirst()));
        }
        return variants;
    }

    private static double servedAuc(String variant, TestMonthReplay.Outcome served,
            List<FlightRow> rows) {
        List<Integer> mine = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (variant.equals(served.variants()[i])) {
                mine.add(i);
            }
        }
        double[] scores = mine.stream().mapToDouble(i -> served.scores()[i]).toArray();
        int[] labels = mine.stream().mapToInt(i -> rows.get(i).late()).toArray();
        return BinaryMetrics.auc(scores, labels);
    }

    private Optional<VariantComparison> comparison(DemoResult.Live live) {
        if (!live.enabled()) {
            return Optional.empty();
        }
        return services.monitor().getLiveQuality(GetLiveQualityRequest.newBuilder()
                        .setModel(FlightsDemo.MODEL).build())
                .getComparisonsList().stream()
                .filter(c -> SPLIT.contains(c.getVariantA()) && SPLIT.contains(c.getVariantB()))
                .findFirst();
    }

    private static boolean agrees(List<Variant> variants, int rows) {
        long joined = variants.stream()
                .mapToLong(v -> v.live().map(VariantQuality::getJoinedCount).orElse(0L)).sum();
        return joined == rows && variants.stream().allMatch(v -> v.live()
                .filter(q -> Math.abs(q.getAuc() - v.servedAuc()) <= 1e-6).isPresent());
    }

    private void print(Outcome outcome) {
        out.printf("[inference] %-10s %7s %8s %7s %9s %9s %11s %11s%n", "variant", "version",
                "calls", "errors", "p50", "p99", "served AUC", "live AUC");
        for (Variant v : outcome.variants()) {
            out.printf("[inference] %-10s %7d %,8d %,7d %9s %9s %11.6f %11s%n", v.name(),
                    v.version(), v.calls(), v.errors(), DemoReport.micros(v.p50Micros()),
                    DemoReport.micros(v.p99Micros()), v.servedAuc(), v.live()
                            .map(q -> String.format("%.6f", q.getAuc())).orElse("-"));
        }
        outcome.comparison().ifPresent(c -> out.printf("[monitor] %s - %s: AUC difference"
                + " %+.4f (DeLong p %.3f), accuracy difference %+.4f (p %.3f)%n",
                c.getVariantA(), c.getVariantB(), c.getAucDifference(), c.getAucPValue(),
                c.getAccuracyDifference(), c.getAccuracyPValue()));
        ShadowStats shadow = outcome.shadow();
        out.printf("[inference] shadow v%d: %,d copies sent, %,d dropped, %,d failed, %,d"
                + " compared; agreement with the primary %.4f, mean |score diff| %.4f%n",
                outcome.shadowVersion(), shadow.getSent(), shadow.getDropped(), shadow.getFailed(),
                shadow.getCompared(), shadow.getAgreementRate(), shadow.getMeanAbsScoreDiff());
    }
}
