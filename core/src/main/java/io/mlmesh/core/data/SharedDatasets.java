package io.mlmesh.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the directory of the real public data sets (flights, credit, churn) that tests,
 * benchmarks and the demo read.
 *
 * <p>A checkout is not always where the data sits beside it: CI clones the repository into a
 * fresh folder, and users keep the data wherever they like. The directory is therefore looked
 * for in order: the system property {@value #PROPERTY}, the environment variable
 * {@value #ENVIRONMENT}, a {@code shared/datasets} folder next to the working directory or any
 * folder above it, and last the development machines' {@code /work/shared/datasets}. The first
 * candidate that is a directory wins.
 */
public final class SharedDatasets {

    /** System property naming the data set directory. */
    public static final String PROPERTY = "mlmesh.datasets";

    /** Environment variable naming the data set directory. */
    public static final String ENVIRONMENT = "MLMESH_DATASETS";

    private static final Path MACHINE_DIRECTORY = Path.of("/work/shared/datasets");

    private SharedDatasets() {
    }

    /**
     * The data set directory.
     *
     * @throws IllegalStateException naming every place looked at, when none holds the data
     */
    public static Path directory() {
        List<Path> candidates = candidates(System.getProperty(PROPERTY),
                System.getenv(ENVIRONMENT), Path.of("").toAbsolutePath());
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no data set directory among " + candidates
                + "; set -D" + PROPERTY + " or " + ENVIRONMENT);
    }

    /** A file of the data set directory, for example {@code churn/telco_churn.csv}. */
    public static Path file(String relativePath) {
        return directory().resolve(relativePath);
    }

    /** Where the directory is looked for, in order. */
    static List<Path> candidates(String property, String environment, Path workingDirectory) {
        List<Path> candidates = new ArrayList<>();
        addNamed(candidates, property);
        addNamed(candidates, environment);
        for (Path folder = workingDirectory; folder != null; folder = folder.getParent()) {
            candidates.add(folder.resolve("shared").resolve("datasets"));
        }
        candidates.add(MACHINE_DIRECTORY);
        return candidates;
    }

    private static void addNamed(List<Path> candidates, String named) {
        if (named != null && !named.isBlank()) {
            candidates.add(Path.of(named).toAbsolutePath().normalize());
        }
    }
}
