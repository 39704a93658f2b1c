package io.mlmesh.loadgen;

import io.grpc.Channel;
import io.mlmesh.oip.ModelInferRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * A concurrency sweep against one target: per step a warm-up loop, a statistics snapshot, the
 * measured loop, a second snapshot; the step's server figures are the snapshots' difference,
 * so they cover exactly the measured calls (each loop ends only when its last answer is in).
 */
final class Sweep {

    private static final System.Logger LOG = System.getLogger(Sweep.class.getName());

    /**
     * How to load the target.
     *
     * @param model the model name sent in each request and asked for in statistics
     * @param version the version, empty for the default
     * @param concurrencies the steps, in order
     * @param warmUp the unmeasured loop before each step
     * @param duration each step's measured loop, at most
     * @param requestsPerStep requests sent by each measured loop, at most
     */
    record Settings(String model, String version, List<Integer> concurrencies,
            Duration warmUp, Duration duration, long requestsPerStep) {
    }

    private final Channel statisticsChannel;
    private final ClosedLoop loop;
    private final Settings settings;
    private final int batchRows;
    private final int requestBytes;
    private final Optional<InProcessBaseline> inProcess;
    private final Optional<Long> serverPid;

    /**
     * @param channels the load's channels; the first also asks for statistics
     * @param requests the requests sent in turn
     * @param inProcess the in-process predict to compare batches with, when the model has one
     * @param serverPid the server's process on this machine, to read its CPU time
     */
    Sweep(List<? extends Channel> channels, List<ModelInferRequest> requests,
            Settings settings, Optional<InProcessBaseline> inProcess, Optional<Long> serverPid) {
        this.statisticsChannel = channels.get(0);
        this.loop = new ClosedLoop(channels, requests);
        this.settings = settings;
        this.batchRows = (int) requests.get(0).getInputs(0).getShape(0);
        this.requestBytes = requests.get(0).getSerializedSize();
        this.inProcess = inProcess;
        this.serverPid = serverPid;
    }

    List<StepResult> run() throws InterruptedException {
        List<StepResult> steps = new ArrayList<>();
        for (int concurrency : settings.concurrencies()) {
            steps.add(step(concurrency));
        }
        return steps;
    }

    /**
     * Runs this sweep and {@code baseline}'s step by step, alternately (the baseline first at
     * each concurrency), so that a machine whose load drifts during the run weighs on both
     * alike. Returns this sweep's steps, each with the baseline's throughput, and the
     * baseline's steps.
     */
    Interleaved runInterleavedWith(Sweep baseline) throws InterruptedException {
        List<StepResult> steps = new ArrayList<>();
        List<StepResult> baselineSteps = new ArrayList<>();
        for (int concurrency : settings.concurrencies()) {
            StepResult baselineStep = baseline.step(concurrency);
            baselineSteps.add(baselineStep);
            steps.add(step(concurrency).withBaseline(baselineStep.requestsPerSecond()));
        }
        return new Interleaved(steps, baselineSteps);
    }

    /** The steps of a sweep run alternately with a baseline's. */
    record Interleaved(List<StepResult> steps, List<StepResult> baselineSteps) {
    }

    private StepResult step(int concurrency) throws InterruptedException {
        if (!settings.warmUp().isZero()) {
            loop.run(concurrency, settings.warmUp(), Long.MAX_VALUE);
        }

        Optional<ServerStatistics> before = statistics();
        Optional<Long> cpuBeforeNanos = serverPid.map(ProcessCpu::nanos);
        ClosedLoop.Outcome outcome = loop.run(concurrency, settings.duration(),
                settings.requestsPerStep());
        Optional<Double> cpuMicrosPerRequest = cpuBeforeNanos
                .map(beforeNanos -> cpuMicrosPerRequest(beforeNanos, outcome.succeeded()));
        Optional<ServerStatistics> server = statistics()
                .flatMap(after -> before.map(after::minus));
        StepResult result = resultOf(concurrency, outcome, server, cpuMicrosPerRequest);
        LOG.log(System.Logger.Level.INFO, "step done concurrency={0} requests={1} failures={2}"
                + " requestsPerSecond={3}", Integer.toString(concurrency),
                Long.toString(result.requests()), Long.toString(result.failures()),
                Long.toString(Math.round(result.requestsPerSecond())));
        return result;
    }

    /** The server's CPU time since {@code beforeNanos} per answered call; NaN with none. */
    private double cpuMicrosPerRequest(long beforeNanos, long answered) {
        if (answered == 0) {
            return Double.NaN;
        }
        return (ProcessCpu.nanos(serverPid.get()) - beforeNanos) / 1000.0 / answered;
    }

    private Optional<ServerStatistics> statistics() {
        return ServerStatistics.fetch(statisticsChannel, settings.model(), settings.version());
    }

    private StepResult resultOf(int concurrency, ClosedLoop.Outcome outcome,
            Optional<ServerStatistics> server, Optional<Double> cpuMicrosPerRequest) {
        Histogram latency = outcome.latencyNanos();
        double seconds = outcome.elapsedNanos() / 1e9;
        Double inProcessMicros = server.flatMap(delta -> inProcess
                .map(baseline -> baseline.microsPerBatch(delta.batches())))
                .orElse(null);
        return new StepResult(concurrency, batchRows, outcome.succeeded(), outcome.failed(),
                outcome.failures().entrySet().stream()
                        .map(failure -> failure.getKey() + "=" + failure.getValue())
                        .collect(Collectors.joining(" ")),
                seconds, outcome.succeeded() / seconds,
                micros(latency, 50), micros(latency, 90), micros(latency, 95),
                micros(latency, 99), latency.getMaxValue() / 1000.0,
                requestBytes, outcome.responseBytes(),
                server.map(ServerStatistics::requests).orElse(null),
                server.map(ServerStatistics::queueMicrosPerRequest).orElse(null),
                server.map(ServerStatistics::computeMicrosPerRequest).orElse(null),
                server.map(ServerStatistics::rowsPerExecution).orElse(null),
                server.map(Sweep::microsPerBatch).orElse(null),
                cpuMicrosPerRequest.orElse(null), inProcessMicros, null);
    }

    private static double micros(Histogram latency, double percentile) {
        return latency.getTotalCount() == 0 ? Double.NaN
                : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    private static double microsPerBatch(ServerStatistics delta) {
        long calls = 0;
        long nanos = 0;
        for (Map.Entry<Long, ServerStatistics.BatchCompute> size : delta.batches().entrySet()) {
            calls += size.getValue().calls();
            nanos += size.getValue().nanos();
        }
        return calls == 0 ? Double.NaN : nanos / 1000.0 / calls;
    }
}
