package io.mlmesh.loadgen;

import io.grpc.ManagedChannel;
import io.mlmesh.client.ModelInferRows;
import io.mlmesh.core.model.ModelBundle;
import io.mlmesh.oip.ModelInferRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loadgen sweep}: one concurrency sweep against one target, printed as a table. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Sends OIP ModelInfer at each concurrency in turn and reports throughput,"
                + " p50/p90/p95/p99 and the server's queue and compute time per step.")
final class SweepCommand implements Callable<Integer> {

    @Option(names = "--target", required = true, description = "host:port of an OIP server")
    String target;

    @Option(names = "--model", required = true, description = "model (or endpoint) name")
    String model;

    @Option(names = "--model-version", defaultValue = "",
            description = "model version; empty: the default")
    String version;

    @Option(names = "--vectors", required = true,
            description = "input rows, one per line, comma-separated (loadgen prepare writes"
                    + " them)")
    Path vectors;

    @Option(names = "--batch-rows", defaultValue = "1", description = "rows per request")
    int batchRows;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,4,16,64,256",
            description = "calls in flight, one step each")
    List<Integer> concurrencies;

    @Option(names = "--warm-up-millis", defaultValue = "1000",
            description = "unmeasured load before each step")
    long warmUpMillis;

    @Option(names = "--duration-millis", defaultValue = "5000",
            description = "each step's measured load, at most")
    long durationMillis;

    @Option(names = "--requests", defaultValue = "" + Long.MAX_VALUE,
            description = "requests per measured step, at most")
    long requestsPerStep;

    @Option(names = "--connections", defaultValue = "1",
            description = "HTTP/2 connections the calls are spread over")
    int connections;

    @Option(names = "--bundle", description = "the served XGBoost bundle: compares the"
            + " server's engine time per batch with an in-process predict of the same sizes")
    Path bundle;

    @Option(names = "--baseline-target", description = "host:port of a second OIP server"
            + " (for example the echo service) swept alternately with the target, step by"
            + " step: each step shows the target's throughput over the baseline's")
    String baselineTarget;

    @Option(names = "--target-pid", description = "the target's process id, when it runs on"
            + " this machine: reports its CPU time per request")
    Long targetPid;

    @Option(names = "--baseline-pid", description = "the baseline's process id, likewise")
    Long baselinePid;

    @Option(names = "--baseline-title", defaultValue = "baseline",
            description = "the baseline table's first line")
    String baselineTitle;

    @Option(names = "--baseline-json", description = "also write the baseline's steps as JSON")
    Path baselineJson;

    @Option(names = "--title", description = "the table's first line")
    String title;

    @Option(names = "--csv", description = "also write the steps as CSV")
    Path csv;

    @Option(names = "--json", description = "also write the steps as JSON")
    Path json;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        List<float[]> inputs = InputVectors.read(vectors);
        Optional<InProcessBaseline> inProcess = bundle == null ? Optional.empty()
                : Optional.of(InProcessBaseline.of(
                        ModelBundle.fromBytes(Files.readAllBytes(bundle)), inputs));

        Sweep.Interleaved result = sweep(requestsOf(inputs), inProcess);
        List<StepResult> steps = result.steps();
        if (baselineTarget != null) {
            SweepReport.printTable(baselineTitle + ": " + baselineTarget,
                    result.baselineSteps(), System.out);
            System.out.println();
        }
        if (baselineJson != null) {
            SweepReport.writeJson(result.baselineSteps(), baselineJson);
        }
        SweepReport.printTable(title != null ? title
                : "ModelInfer sweep: " + target + " model " + model, steps, System.out);
        if (csv != null) {
            SweepReport.writeCsv(steps, csv);
        }
        if (json != null) {
            SweepReport.writeJson(steps, json);
        }
        return steps.stream().allMatch(step -> step.requests() > 0) ? 0 : 1;
    }

    private void checkOptions() {
        if (batchRows < 1 || connections < 1 || requestsPerStep < 1 || durationMillis < 1
                || warmUpMillis < 0) {
            throw new IllegalArgumentException("--batch-rows, --connections, --requests and"
                    + " --duration-millis must be positive, --warm-up-millis not negative");
        }
        if (concurrencies.stream().anyMatch(concurrency -> concurrency < 1)) {
            throw new IllegalArgumentException("--concurrency values must be positive: "
                    + concurrencies);
        }
    }

    private Sweep.Interleaved sweep(List<ModelInferRequest> requests,
            Optional<InProcessBaseline> inProcess) throws InterruptedException {
        Sweep.Settings settings = new Sweep.Settings(model, version, concurrencies,
                Duration.ofMillis(warmUpMillis), Duration.ofMillis(durationMillis),
                requestsPerStep);
        List<ManagedChannel> channels = channelsTo(target);
        List<ManagedChannel> baselineChannels = baselineTarget == null ? List.of()
                : channelsTo(baselineTarget);
        try {
            Sweep sweep = new Sweep(channels, requests, settings, inProcess,
                    Optional.ofNullable(targetPid));
            if (baselineTarget == null) {
                return new Sweep.Interleaved(sweep.run(), List.of());
            }
            return sweep.runInterleavedWith(new Sweep(baselineChannels, requests, settings,
                    Optional.empty(), Optional.ofNullable(baselinePid)));
        } finally {
            Targets.close(channels);
            Targets.close(baselineChannels);
        }
    }

    private List<ManagedChannel> channelsTo(String address) {
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            channels.add(Targets.open(address));
        }
        return channels;
    }

    /** Consecutive rows grouped {@code batchRows} to a request. */
    private List<ModelInferRequest> requestsOf(List<float[]> inputs) {
        int width = inputs.get(0).length;
        List<ModelInferRequest> requests = new ArrayList<>();
        for (int first = 0; first + batchRows <= inputs.size(); first += batchRows) {
            float[] rows = new float[batchRows * width];
            for (int row = 0; row < batchRows; row++) {
                System.arraycopy(inputs.get(first + row), 0, rows, row * width, width);
            }
            requests.add(ModelInferRows.request(model, version, rows, batchRows, width));
        }
        if (requests.isEmpty()) {
            throw new IllegalArgumentException(vectors + " holds " + inputs.size()
                    + " rows, fewer than --batch-rows " + batchRows);
        }
        return requests;
    }
}
