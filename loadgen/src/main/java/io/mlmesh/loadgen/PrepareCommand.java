package io.mlmesh.loadgen;

import io.grpc.ManagedChannel;
import io.mlmesh.core.data.SharedDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadgen prepare}: trains the benchmark's flights GBDT on real flights, registers it
 * in registry-svc, has inference-svc load it, and writes the bundle and the input rows the
 * sweeps send.
 */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = "Trains a flights GBDT quickly, registers and loads it, and writes"
                + " bundle.zip and vectors.csv for the sweeps.")
final class PrepareCommand implements Callable<Integer> {

    static final String BUNDLE_FILE = "bundle.zip";
    static final String VECTORS_FILE = "vectors.csv";

    @Option(names = "--registry", required = true, description = "registry-svc host:port")
    String registry;

    @Option(names = "--inference", split = ",",
            description = "inference-svc host:port, one or more; each loads the version")
    List<String> inference = List.of();

    @Option(names = "--model", defaultValue = "flights-bench", description = "model name")
    String model;

    @Option(names = "--data", description = "flights CSV; default: the shared"
            + " flights/flights-20k.csv")
    Path data;

    @Option(names = "--train-rows", defaultValue = "5000", description = "rows to train on")
    int trainRows;

    @Option(names = "--rows", defaultValue = "2000",
            description = "rows after the training rows to write as inputs")
    int rows;

    @Option(names = "--rounds", defaultValue = "100", description = "boosting rounds")
    int rounds;

    @Option(names = "--out", required = true, description = "folder for the two files")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path csv = data != null ? data : SharedDatasets.file("flights/flights-20k.csv");
        BenchModel benchModel = BenchModel.train(FlightRows.read(csv, trainRows + rows),
                trainRows, rounds);
        Files.createDirectories(out);
        Files.write(out.resolve(BUNDLE_FILE), benchModel.bundle().toBytes());
        InputVectors.write(benchModel.vectors(), out.resolve(VECTORS_FILE));

        long version = register(benchModel);
        System.out.printf("model %s version %d: %d inputs, trained on %d flights of %s;"
                + " %d input rows in %s%n", model, version, benchModel.vectors().get(0).length,
                trainRows, csv, benchModel.vectors().size(), out.resolve(VECTORS_FILE));
        return 0;
    }

    private long register(BenchModel benchModel) throws InterruptedException {
        ManagedChannel registryChannel = Targets.open(registry);
        try {
            long version = ModelSetup.register(registryChannel, model, benchModel.bundle());
            for (String target : inference) {
                loadInto(target, version);
            }
            return version;
        } finally {
            Targets.close(List.of(registryChannel));
        }
    }

    private void loadInto(String target, long version) throws InterruptedException {
        ManagedChannel inferenceChannel = Targets.open(target);
        try {
            ModelSetup.load(inferenceChannel, model, version);
        } finally {
            Targets.close(List.of(inferenceChannel));
        }
    }
}
