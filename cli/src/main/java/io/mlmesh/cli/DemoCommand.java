package io.mlmesh.cli;

import io.mlmesh.cli.demo.DatasetLocator;
import io.mlmesh.cli.demo.DemoOptions;
import io.mlmesh.cli.demo.DemoReport;
import io.mlmesh.cli.demo.DemoResult;
import io.mlmesh.cli.demo.FlightsDemo;
import io.mlmesh.cli.mesh.MeshLauncher;
import io.mlmesh.cli.mesh.MeshState;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mlmesh demo}: the flights demo on a fresh mesh of its own. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the flights demo end to end: features, training, registry,"
                + " serving over gRPC and monitoring, on real US flights data.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--data", description = "Flights file (Parquet or CSV). Default: the full"
            + " 3M-flight Parquet when found (MLMESH_DATASETS, .mlmesh/datasets, ../shared),"
            + " else the 20k sample in data/.")
    Path data;

    @Option(names = "--train-fraction", description = "Share of the training months' flights"
            + " (Jan-May of the full file) to train on."
            + " Default: 0.2 of the full file, all of the sample.")
    Double trainFraction;

    @Option(names = "--test-fraction", description = "Share of the test month's flights"
            + " (June of the full file) to evaluate and replay. Default: 0.05 of the full file"
            + " (about 25,000), all of the sample.")
    Double testFraction;

    @Option(names = "--rounds", defaultValue = "100", description = "Boosting rounds.")
    int rounds;

    @Option(names = "--concurrency", defaultValue = "16", description = "Concurrent calls.")
    int concurrency;

    @Option(names = "--family", defaultValue = DemoOptions.XGBOOST, description = "Model"
            + " family to train and serve: xgboost (gradient-boosted trees) or mlp (a small"
            + " neural network with airport embeddings, DJL on PyTorch).")
    String family;

    @Option(names = "--redis-url", description = "Use this Redis instead of a private one.")
    String redisUrl;

    @Option(names = "--keep-running", description = "Leave the demo's mesh running.")
    boolean keepRunning;

    @Override
    public Integer call() {
        Path home = MlmeshCommand.home();
        DatasetLocator.Choice choice = data == null ? DatasetLocator.locate(home)
                : DatasetLocator.of(data);
        DemoOptions options = new DemoOptions(choice.path(),
                trainFraction != null ? trainFraction : choice.full() ? 0.2 : 1.0,
                testFraction != null ? testFraction : choice.full() ? 0.05 : 1.0,
                rounds, concurrency, family);
        DemoResult result = run(home, home.resolve(".mlmesh/demo"), options, choice.full(),
                redisUrl, keepRunning, System.out);
        boolean parity = result.aucAgrees() && result.featureMismatches() == 0
                && result.baseline().scoreMismatches() == 0
                && (!result.live().enabled() || result.liveAgrees());
        return parity ? 0 : 1;
    }

    /**
     * Starts a fresh mesh in {@code runDir}, runs the demo, prints the summary and stops the
     * mesh unless asked to keep it.
     */
    static DemoResult run(Path home, Path runDir, DemoOptions options, boolean fullData,
            String redisUrl, boolean keepRunning, PrintStream out) {
        long startNanos = System.nanoTime();
        String dataLine = dataLine(options, fullData);
        out.println("mlmesh flights demo");
        out.println(dataLine);
        deleteRecursively(runDir);

        MeshLauncher launcher = new MeshLauncher(home, runDir, out);
        Thread stopOnExit = new Thread(launcher::stopStarted, "mlmesh-demo-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        boolean succeeded = false;
        try {
            out.println("starting the mesh (logs in " + runDir.resolve("logs") + ")");
            MeshState mesh = launcher.start(redisUrl, null);
            DemoResult result = new FlightsDemo(mesh, options, out).run();
            DemoReport.print(result, dataLine, options.concurrency(),
                    (System.nanoTime() - startNanos) / 1e9, out);
            if (keepRunning) {
                out.println("mesh left running; stop it with: ./mlmesh down --run-dir "
                        + runDir);
            }
            succeeded = true;
            return result;
        } finally {
            if (!keepRunning || !succeeded) {
                launcher.stopStarted();
            }
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        }
    }

    private static String dataLine(DemoOptions options, boolean fullData) {
        String name = options.data().getFileName().toString();
        String sampling = String.format("train on %s of the earlier months' flights, test on %s"
                + " of the last month's", FlightsDemo.percent(options.trainFraction()),
                FlightsDemo.percent(options.testFraction()));
        if (fullData) {
            return String.format("data       %s (US DOT flights, Jan-Jun 2001); subsampled to fit"
                    + " the 10-minute budget: %s", name, sampling);
        }
        return String.format("data       %s, not the full 3M-flight file (./mlmesh fetch-data"
                + " gets it from npm vega-datasets 3.2.1); %s", name, sampling);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
