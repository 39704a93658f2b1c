package io.mlmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.cli.demo.DemoOptions;
import io.mlmesh.cli.demo.DemoResult;
import io.mlmesh.cli.demo.FlightsDemo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MLP family end to end through the five packaged services on the real 20,000-flight
 * sample: training-svc trains it with DJL on PyTorch (airport embeddings) and registers it,
 * inference-svc loads it from the registry (digest verified) onto the device its configuration
 * and detection pick, and serves the replayed test month through {@code Predict} (dynamic
 * batching) and OIP {@code ModelInfer}.
 */
class MlpDemoIT {

    private static DemoResult result;
    private static String output;

    @BeforeAll
    static void runDemo() throws IOException {
        Path home = Path.of(System.getProperty("mlmesh.home", "..")).toAbsolutePath()
                .normalize();
        Path runDir = Files.createTempDirectory("mlmesh-mlp-it");
        DemoOptions options = new DemoOptions(FlightsDemo.carriedSubset(home), 1.0, 0.4, 30, 16,
                DemoOptions.MLP);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

        result = DemoCommand.run(home, runDir, options, false, null, false, out);
        output = captured.toString(StandardCharsets.UTF_8);
        System.out.print(output);
    }

    @Test
    void mlp_trainedRegisteredServed_aucSaneAndServedEqualsOffline() {
        assertTrue(output.contains("MLP (DJL, PyTorch)"), output);
        assertTrue(output.contains("epoch   8/8"), output);
        assertTrue(result.testHashMatches(), "replayed rows must be the evaluated rows");
        assertTrue(result.rows() > 1_000, "40 % of March in the sample");
        assertTrue(result.offlineAuc() > 0.6 && result.offlineAuc() < 1.0,
                "offline AUC " + result.offlineAuc());
        assertEquals(result.offlineAuc(), result.servedAuc(), 1e-6);
        assertEquals(0, result.featureMismatches());
    }

    @Test
    void mlp_oipModelInferOfTheSameVectors_givesThePredictScores() {
        assertEquals(0, result.baseline().scoreMismatches());
    }
}
