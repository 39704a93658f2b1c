package io.mlmesh.cli.demo;

import io.mlmesh.monitor.v1.OperationSummary;
import io.mlmesh.monitor.v1.ServiceSummary;
import io.mlmesh.monitor.v1.Span;
import io.mlmesh.monitor.v1.Trace;
import io.mlmesh.monitor.v1.VariantQuality;
import java.io.PrintStream;
import java.util.Comparator;

/** Prints the demo's closing summary. */
public final class DemoReport {

    private static final int OPERATIONS_SHOWN = 12;

    private DemoReport() {
    }

    public static void print(DemoResult result, String dataLine, int concurrency, double seconds,
            PrintStream out) {
        out.println();
        out.println("== flights demo summary ==");
        out.println(dataLine);
        out.printf("model      %s v%d (alias production)%n", FlightsDemo.MODEL,
                result.modelVersion());
        out.printf("AUC        offline %.6f (training job, test month rows)%n",
                result.offlineAuc());
        out.printf("           served  %.6f (Predict over gRPC, same %,d rows)  |diff| %.1e"
                + "  parity %s%n", result.servedAuc(), result.rows(),
                Math.abs(result.servedAuc() - result.offlineAuc()),
                result.aucAgrees() ? "OK" : "FAILED");
        printLive(result, out);
        out.printf("features   online equal offline on %,d of %,d rows; replayed rows are the"
                + " evaluated rows: %s%n", result.rows() - result.featureMismatches(),
                result.rows(), result.testHashMatches() ? "yes" : "NO");
        out.printf("latency    Predict p50 %s, p99 %s at concurrency %d; %,.0f calls/s%n",
                micros(result.p50Micros()), micros(result.p99Micros()), concurrency,
                result.callsPerSecond());
        DemoResult.Baseline baseline = result.baseline();
        out.printf("baseline   OIP ModelInfer on the same vectors: p50 %s, p99 %s; %,.0f calls/s;"
                + " Predict/ModelInfer p50 ratio %.2f; scores equal on %,d of %,d rows%n",
                micros(baseline.p50Micros()), micros(baseline.p99Micros()),
                baseline.callsPerSecond(),
                (double) result.p50Micros() / Math.max(1, baseline.p50Micros()),
                result.rows() - baseline.scoreMismatches(), result.rows());
        out.printf("drift      %d of %d columns drift between the training months and the test"
                + " month (data set: %s)%n", result.drift().getDriftedCount(),
                result.drift().getTestedCount(),
                result.drift().getDatasetDrift() ? "drift" : "no drift");
        printExperiment(result.experiment(), out);
        printTraces(result, out);
        printSlowestPredict(result.slowestPredict(), out);
        out.printf("took       %.0f s%n", seconds);
    }

    private static void printLive(DemoResult result, PrintStream out) {
        DemoResult.Live live = result.live();
        if (!live.enabled()) {
            out.println("live       skipped: the feedback loop needs Redis (in-process online"
                    + " store)");
            return;
        }
        for (VariantQuality group : live.groups()) {
            out.printf("live       %s%n", DemoResult.Live.describe(group));
        }
        out.printf("           from outcomes fed back: %,d of %,d rows joined; live AUC vs"
                + " served |diff| %.1e  %s%n", live.joinedCount(), result.rows(),
                Math.abs(live.auc() - result.servedAuc()),
                result.liveAgrees() ? "live OK" : "live FAILED");
    }

    private static void printExperiment(VariantExperiment.Outcome experiment,
            PrintStream out) {
        out.printf("A/B        endpoint %s on %,d flights of the test month's last week:%n",
                VariantExperiment.ENDPOINT, experiment.rows());
        long calls = experiment.variants().stream()
                .mapToLong(VariantExperiment.Variant::calls).sum();
        for (VariantExperiment.Variant v : experiment.variants()) {
            out.printf("           %-10s v%d: %,d calls (%.0f%%), %d errors, p99 %s, served AUC"
                    + " %.6f, live AUC %s%n", v.name(), v.version(), v.calls(),
                    100.0 * v.calls() / Math.max(1, calls), v.errors(),
                    micros(v.p99Micros()), v.servedAuc(), v.live()
                            .map(q -> String.format("%.6f", q.getAuc())).orElse("skipped"));
        }
        experiment.comparison().ifPresent(c -> out.printf("           %s - %s AUC %+.4f,"
                + " DeLong p %.3f%n", c.getVariantA(), c.getVariantB(), c.getAucDifference(),
                c.getAucPValue()));
        out.printf("           live AUC per variant vs served: %s%n",
                experiment.liveAgrees() ? "A/B live OK" : "not checked or FAILED");
        out.printf("shadow     v%d: %,d copies compared, agreement %.4f, mean |score diff| %.4f,"
                + " %d failed, %d dropped%n", experiment.shadowVersion(),
                experiment.shadow().getCompared(), experiment.shadow().getAgreementRate(),
                experiment.shadow().getMeanAbsScoreDiff(), experiment.shadow().getFailed(),
                experiment.shadow().getDropped());
    }

    private static void printTraces(DemoResult result, PrintStream out) {
        out.printf("monitor    %,d spans in %,d traces received over OTLP%n",
                result.traces().getSpanCount(), result.traces().getTraceCount());
        out.printf("  %-20s %10s %8s%n", "service", "spans", "errors");
        result.traces().getServicesList().stream()
                .sorted(Comparator.comparing(ServiceSummary::getService))
                .forEach(s -> out.printf("  %-20s %,10d %,8d%n", s.getService(),
                        s.getSpanCount(), s.getErrorCount()));
        out.printf("  %-20s %-52s %9s %9s %9s%n", "service", "operation", "count", "p50",
                "p99");
        result.traces().getOperationsList().stream()
                .sorted(Comparator.comparingLong(OperationSummary::getCount).reversed())
                .limit(OPERATIONS_SHOWN)
                .forEach(o -> out.printf("  %-20s %-52s %,9d %9s %9s%n", o.getService(),
                        o.getOperation(), o.getCount(), micros(o.getP50Micros()),
                        micros(o.getP99Micros())));
    }

    private static void printSlowestPredict(Trace trace, PrintStream out) {
        if (trace.getSpansCount() == 0) {
            return;
        }
        out.printf("  slowest Predict, trace %s:%n", trace.getTraceId());
        printChildren(trace, "", 2, out);
    }

    private static void printChildren(Trace trace, String parentSpanId, int indent,
            PrintStream out) {
        for (Span span : trace.getSpansList()) {
            if (span.getParentSpanId().equals(parentSpanId)) {
                out.printf("  %s%-20s %-52s %9s%n", " ".repeat(indent), span.getService(),
                        span.getName(), micros(span.getDurationMicros()));
                printChildren(trace, span.getSpanId(), indent + 2, out);
            }
        }
    }

    static String micros(long micros) {
        if (micros >= 10_000) {
            return String.format("%.1f ms", micros / 1000.0);
        }
        return String.format("%d µs", micros);
    }
}
