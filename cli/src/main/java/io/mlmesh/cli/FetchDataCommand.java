package io.mlmesh.cli;

import io.mlmesh.cli.demo.DatasetLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code mlmesh fetch-data}: gets the full flights file from the npm package that ships it,
 * with the machine's npm, and checks its digest.
 */
@Command(name = "fetch-data", mixinStandardHelpOptions = true,
        description = "Downloads the full 3M-flight Parquet from npm (vega-datasets 3.2.1)"
                + " into .mlmesh/datasets and checks its SHA-256.")
final class FetchDataCommand implements Callable<Integer> {

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path target = DatasetLocator.fetchedPath(MlmeshCommand.home());
        Path work = Files.createTempDirectory("mlmesh-fetch");
        System.out.println("npm pack vega-datasets@3.2.1 (about 18 MB) ...");
        run(work, "npm", "pack", "vega-datasets@3.2.1");
        run(work, "tar", "xzf", "vega-datasets-3.2.1.tgz", "package/data/flights-3m.parquet");

        Path fetched = work.resolve("package/data/flights-3m.parquet");
        String digest = DatasetLocator.sha256(fetched);
        if (!digest.equals(DatasetLocator.FULL_SHA256)) {
            System.err.printf("digest mismatch: expected %s, got %s%n",
                    DatasetLocator.FULL_SHA256, digest);
            return 1;
        }
        Files.createDirectories(target.getParent());
        Files.move(fetched, target, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("saved " + target + " (sha256 verified)");
        return 0;
    }

    private static void run(Path dir, String... command)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO()
                .start();
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit code "
                    + process.exitValue());
        }
    }
}
