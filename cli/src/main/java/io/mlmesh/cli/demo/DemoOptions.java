package io.mlmesh.cli.demo;

import java.nio.file.Path;

/**
 * What the flights demo runs on.
 *
 * @param data the flights file (Parquet or CSV with date, delay, distance, origin, destination)
 * @param trainFraction share of January to May flights to train on (deterministic sample)
 * @param testFraction share of June flights to evaluate and replay through serving
 * @param rounds boosting rounds
 * @param concurrency concurrent Predict calls during the replay
 */
public record DemoOptions(Path data, double trainFraction, double testFraction, int rounds,
        int concurrency) {
}
