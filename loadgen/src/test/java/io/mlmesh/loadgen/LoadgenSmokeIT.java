package io.mlmesh.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.mlmesh.core.data.SharedDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
    void sweep_echoServer_answersCountedAndNoServerStatistics() throws Exception {
        StepResult step = sweep("127.0.0.1:" + echo.getPort(), "echo.json", List.of());

        assertSane(step);
        assertTrue(step.responseBytes() >= step.requestBytes(),
                "an echo answer carries the request's tensors: " + step);
        assertNull(step.serverRequests(), "an echo service reports no statistics");
        assertNull(step.serverComputeMicros());
    }

    @Test
    void sweep_inferenceService_serverStatisticsCoverExactlyTheMeasuredCalls() throws Exception {
        Path bundle = workDir.resolve("prepared").resolve(PrepareCommand.BUNDLE_FILE);

        StepResult step = sweep(inference.target(), "inference.json",
                List.of("--bundle", bundle.toString()));

        assertSane(step);
        assertEquals(step.requests(), step.serverRequests(),
                "the statistics delta counts the measured calls, no warm-up call");
        assertTrue(step.serverRowsPerBatch() >= 1 && step.serverRowsPerBatch() <= 4,
                "rows per engine call at concurrency 4: " + step.serverRowsPerBatch());
        assertTrue(step.serverComputeMicros() > 0, "compute " + step.serverComputeMicros());
        assertTrue(step.serverQueueMicros() >= 0, "queue " + step.serverQueueMicros());
        assertTrue(step.serverMicrosPerBatch() > 0);
        assertNotNull(step.computeRatio(), "in-process baseline compared");
        assertTrue(step.computeRatio() > 0, "ratio " + step.computeRatio());
    }

    private static StepResult sweep(String target, String jsonName, List<String> extra) {
        Path json = workDir.resolve(jsonName);
        Path vectors = workDir.resolve("prepared").resolve(PrepareCommand.VECTORS_FILE);
        List<String> args = new ArrayList<>(List.of("--target", target,
                "--model", MODEL, "--vectors", vectors.toString(), "--concurrency", "4",
                "--warm-up-millis", "300", "--duration-millis", "1000",
                "--json", json.toString()));
        args.addAll(extra);

        int exit = new CommandLine(new SweepCommand()).execute(args.toArray(String[]::new));

        assertEquals(0, exit, "sweep against " + target + " failed");
        List<StepResult> steps = SweepReport.readJson(json);
        assertEquals(1, steps.size());
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
