package io.mlmesh.loadgen;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loadgen summary}: the speed figures from the JSON of earlier sweeps, each
 * beside its target, so that a benchmark script ends with the verdicts rather than tables to
 * compare by eye.
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Prints the speed figures (throughput over the echo service's, p99 at"
                + " concurrency 1, batching gain, batched compute over in-process) from sweep"
                + " JSON files.")
final class SummaryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--served", required = true, description = "sweep JSON of the served"
            + " model (with --bundle, for the in-process comparison)")
    Path served;

    @Option(names = "--echo", description = "sweep JSON of the echo service")
    Path echo;

    @Option(names = "--unbatched", description = "sweep JSON of the same model served with"
            + " max batch size 1")
    Path unbatched;

    @Option(names = "--throughput-concurrency", defaultValue = "64",
            description = "concurrency of the echo comparison")
    int throughputConcurrency;

    @Option(names = "--batching-concurrency", defaultValue = "256",
            description = "concurrency of the batching comparison")
    int batchingConcurrency;

    @Override
    public Integer call() {
        List<StepResult> servedSteps = SweepReport.readJson(served);
        Optional.ofNullable(echo).ifPresent(file -> echoRatio(servedSteps,
                SweepReport.readJson(file)));
        at(servedSteps, 1).ifPresent(step -> verdict("p99 at concurrency 1",
                step.p99Micros(), "us", step.p99Micros() < 1000, "below 1000 us"));
        Optional.ofNullable(unbatched).ifPresent(file -> batchingGain(servedSteps,
                SweepReport.readJson(file)));
        computeRatio(servedSteps);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private void echoRatio(List<StepResult> servedSteps, List<StepResult> echoSteps) {
        Optional<StepResult> model = at(servedSteps, throughputConcurrency);
        Optional<StepResult> bare = at(echoSteps, throughputConcurrency);
        if (model.isPresent() && bare.isPresent()) {
            double ratio = model.get().requestsPerSecond() / bare.get().requestsPerSecond();
            verdict(String.format(Locale.ROOT, "throughput at concurrency %d over echo"
                    + " (%.0f / %.0f req/s)", throughputConcurrency,
                    model.get().requestsPerSecond(), bare.get().requestsPerSecond()),
                    ratio, "x", ratio >= 0.8, "at least 0.8 x");
        }
        if (model.isPresent() && bare.isPresent()
                && model.get().serverCpuMicrosPerRequest() != null
                && bare.get().serverCpuMicrosPerRequest() != null) {
            double ratio = bare.get().serverCpuMicrosPerRequest()
                    / model.get().serverCpuMicrosPerRequest();
            verdict(String.format(Locale.ROOT, "echo CPU over server CPU per request at"
                    + " concurrency %d (%.0f / %.0f us)", throughputConcurrency,
                    bare.get().serverCpuMicrosPerRequest(),
                    model.get().serverCpuMicrosPerRequest()),
                    ratio, "x", ratio >= 0.8, "at least 0.8 x, the CPU-bound throughput ratio");
        }
    }

    private void batchingGain(List<StepResult> servedSteps, List<StepResult> unbatchedSteps) {
        Optional<StepResult> batched = at(servedSteps, batchingConcurrency);
        Optional<StepResult> single = at(unbatchedSteps, batchingConcurrency);
        if (batched.isPresent() && single.isPresent()) {
            double gain = batched.get().requestsPerSecond() / single.get().requestsPerSecond();
            verdict(String.format(Locale.ROOT, "dynamic batching gain at concurrency %d"
                    + " (%.0f / %.0f req/s)", batchingConcurrency,
                    batched.get().requestsPerSecond(), single.get().requestsPerSecond()),
                    gain, "x", gain >= 4, "at least 4 x");
        }
    }

    private void computeRatio(List<StepResult> servedSteps) {
        for (StepResult step : servedSteps) {
            if (step.computeRatio() != null) {
                verdict(String.format(Locale.ROOT, "in-process over batched compute at"
                        + " concurrency %d (%.1f rows/batch, %.1f / %.1f us per batch)",
                        step.concurrency(), step.serverRowsPerBatch(),
                        step.inProcessMicrosPerBatch(), step.serverMicrosPerBatch()),
                        step.computeRatio(), "x", step.computeRatio() >= 0.7,
                        "at least 0.7 x");
            }
        }
    }

    private static Optional<StepResult> at(List<StepResult> steps, int concurrency) {
        return steps.stream().filter(step -> step.concurrency() == concurrency).findFirst();
    }

    private void verdict(String figure, double value, String unit, boolean met,
            String target) {
        spec.commandLine().getOut().printf(Locale.ROOT, "%-90s %10.2f %-3s %-5s (target: %s)%n",
                figure, value, unit, met ? "MET" : "MISS", target);
    }
}
