package io.mlmesh.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.mlmesh.core.data.SharedDatasets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The load generator end to end, a second per target at concurrency 4: against the bare echo
 * service (in this JVM), and against the packaged registry-svc and inference-svc serving a
 * flights GBDT that {@code loadgen prepare} trained, registered and loaded. Figures are not
 * judged here (speed lives in BENCHMARKS.md); the report must be sane: answers counted,
 * percentiles in order, and the server's statistics covering exactly the measured calls.
 */
class LoadgenSmokeIT {

    private static final String MODEL = "flights-smoke";

    private static Path workDir;
    private static ServiceProcess registry;
    private static ServiceProcess inference;
    private static Server echo;

    @BeforeAll
    static void startServices() throws Exception {
        workDir = Files.createDirectories(Path.of(System.getProperty("mlmesh.it.dir",
                "target/loadgen-it")));
        registry = ServiceProcess.start("registry-svc", "mlmesh.registry.jar", workDir, List.of(
                "-Dmlmesh.registry.data-dir=" + Files.createTempDirectory(workDir, "registry")));
        inference = ServiceProcess.start("inference-svc", "mlmesh.inference.jar", workDir,
                List.of("-Dquarkus.grpc.clients.registry.host=127.0.0.1",
                        "-Dquarkus.grpc.clients.registry.port=" + registry.port()));
        echo = EchoService.start("127.0.0.1", 0);
        registry.awaitServing(Duration.ofSeconds(60));
        inference.awaitServing(Duration.ofSeconds(60));

        int exit = new CommandLine(new PrepareCommand()).execute(
                "--registry", registry.target(), "--inference", inference.target(),
                "--model", MODEL, "--data", flightsCsv().toString(),
                "--train-rows", "2000", "--rows", "500", "--rounds", "20",
                "--out", workDir.resolve("prepared").toString());
        assertEquals(0, exit, "prepare failed");
    }

    @AfterAll
    static void stopServices() throws InterruptedException {
        if (echo != null) {
            EchoService.stop(echo);
        }
        if (inference != null) {
            inference.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void sweep_inferenceServiceAlternatingWithEcho_bothReportedAndStatisticsExact()
            throws Exception {
        Path prepared = workDir.resolve("prepared");
        Path servedJson = workDir.resolve("served.json");
        Path echoJson = workDir.resolve("echo.json");

        int exit = new CommandLine(new SweepCommand()).execute(
                "--target", inference.target(), "--baseline-target", "127.0.0.1:" + echo.getPort(),
                "--model", MODEL,
                "--vectors", prepared.resolve(PrepareCommand.VECTORS_FILE).toString(),
                "--bundle", prepared.resolve(PrepareCommand.BUNDLE_FILE).toString(),
                "--concurrency", "4", "--warm-up-millis", "300", "--duration-millis", "1000",
                "--json", servedJson.toString(), "--baseline-json", echoJson.toString(),
                "--target-pid", Long.toString(inference.pid()),
                "--baseline-pid", Long.toString(ProcessHandle.current().pid()));

        assertEquals(0, exit, "sweep failed");
        StepResult served = onlyStep(servedJson);
        StepResult bare = onlyStep(echoJson);
        assertSane(served);
        assertSane(bare);
        assertEquals(bare.requestsPerSecond(), served.baselineRequestsPerSecond());
        assertEquals(served.requests(), served.serverRequests(),
                "the statistics delta counts the measured calls, no warm-up call");
        assertTrue(served.serverRowsPerBatch() >= 1 && served.serverRowsPerBatch() <= 4,
                "rows per engine call at concurrency 4: " + served.serverRowsPerBatch());
        assertTrue(served.serverComputeMicros() > 0, "compute " + served.serverComputeMicros());
        assertTrue(served.serverQueueMicros() >= 0, "queue " + served.serverQueueMicros());
        assertTrue(served.serverMicrosPerBatch() > 0);
        assertTrue(served.serverCpuMicrosPerRequest() >= 0, "server CPU per request");
        assertTrue(bare.serverCpuMicrosPerRequest() >= 0, "echo CPU per request");
        assertNotNull(served.computeRatio(), "in-process baseline compared");
        assertTrue(served.computeRatio() > 0, "ratio " + served.computeRatio());
        assertTrue(bare.responseBytes() >= bare.requestBytes(),
                "an echo answer carries the request's tensors: " + bare);
        assertNull(bare.serverRequests(), "an echo service reports no statistics");
    }

    @Test
    void summary_sweepFiles_printsEveryFigureWithItsTarget() throws Exception {
        Path servedJson = workDir.resolve("summary-served.json");
        SweepReport.writeJson(List.of(step(1, 900.0, 0.8), step(64, 500.0, 0.5)), servedJson);
        Path echoJson = workDir.resolve("summary-echo.json");
        SweepReport.writeJson(List.of(step(1, 1500.0, null), step(64, 400.0, null)), echoJson);
        StringWriter out = new StringWriter();

        CommandLine command = new CommandLine(new SummaryCommand());
        command.setOut(new PrintWriter(out));
        int exit = command.execute("--served", servedJson.toString(),
                "--echo", echoJson.toString());

        assertEquals(0, exit);
        String printed = out.toString();
        assertTrue(printed.contains("throughput at concurrency 64 over echo (500 / 400 req/s)"),
                printed);
        assertTrue(printed.matches("(?s).*over echo.*1\\.25 x +MET.*"), printed);
        assertTrue(printed.matches("(?s).*p99 at concurrency 1 +900\\.00 us +MET.*"), printed);
        assertTrue(printed.matches("(?s).*concurrency 64 \\(.*0\\.50 x +MISS.*"), printed);
    }

    private static StepResult step(int concurrency, double value, Double computeRatio) {
        Double server = computeRatio == null ? null : 100.0;
        Double inProcess = computeRatio == null ? null : 100.0 * computeRatio;
        return new StepResult(concurrency, 1, 100, 0, "", 1.0, value, value / 2, value / 2,
                value / 2, value, value, 68, 49, null, null, null, 2.0, server, null, inProcess,
                null);
    }

    private static StepResult onlyStep(Path json) {
        List<StepResult> steps = SweepReport.readJson(json);
        assertEquals(1, steps.size(), "steps in " + json);
        return steps.get(0);
    }

    private static void assertSane(StepResult step) {
        assertEquals(4, step.concurrency());
        assertEquals(0, step.failures(), step.failureCodes());
        assertTrue(step.requests() > 0 && step.requestsPerSecond() > 0, "" + step);
        assertTrue(step.seconds() >= 1.0 && step.seconds() < 5, "window " + step.seconds());
        assertTrue(0 < step.p50Micros() && step.p50Micros() <= step.p90Micros()
                && step.p90Micros() <= step.p95Micros() && step.p95Micros() <= step.p99Micros()
                && step.p99Micros() <= step.maxMicros(), "percentiles out of order: " + step);
    }

    private static Path flightsCsv() {
        return SharedDatasets.file("flights/flights-20k.csv");
    }
}
