package io.mlmesh.cli.demo;

import io.mlmesh.core.data.SharedDatasets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Finds the flights data. The full file (3M flights, January to June 2001) comes from the npm
 * package {@code vega-datasets} 3.2.1; a 20,000-flight sample of the same data ships in the
 * repository so that the demo also runs where neither the shared copy nor npm is at hand.
 */
public final class DatasetLocator {

    /** SHA-256 of {@code data/flights-3m.parquet} in vega-datasets 3.2.1. */
    public static final String FULL_SHA256 =
            "dbeb920c90f59b6ccaff823dcc3d08f25a97fa1ce128d93f40be4e931f5900b0";
    static final String FULL_NAME = "flights-3m.parquet";
    static final String NPM_PACKAGE = "vega-datasets@3.2.1";

    /**
     * @param path the file to read
     * @param full whether it is the full 3M-flight file
     */
    public record Choice(Path path, boolean full) {
    }

    private DatasetLocator() {
    }

    /** The full file where one is found, else the carried sample. */
    public static Choice locate(Path home) {
        for (Path candidate : fullCandidates(home)) {
            if (Files.isRegularFile(candidate)) {
                return new Choice(candidate, true);
            }
        }
        return new Choice(FlightsDemo.carriedSubset(home), false);
    }

    /** A file the user named: full when it is the 3M-flight Parquet. */
    public static Choice of(Path path) {
        return new Choice(path, path.getFileName().toString().equals(FULL_NAME));
    }

    /** Where the full file is looked for, in order. */
    static List<Path> fullCandidates(Path home) {
        List<Path> candidates = new ArrayList<>();
        String datasets = System.getenv("MLMESH_DATASETS");
        if (datasets != null && !datasets.isBlank()) {
            candidates.add(Path.of(datasets, "flights", FULL_NAME));
        }
        candidates.add(fetchedPath(home));
        candidates.add(home.resolve("../shared/datasets/flights").resolve(FULL_NAME)
                .normalize());
        try {
            candidates.add(SharedDatasets.file("flights/" + FULL_NAME));
        } catch (IllegalStateException noSharedDirectory) {
            // No shared data set directory on this machine: the other places remain.
        }
        return candidates;
    }

    /** Where {@code mlmesh fetch-data} puts the full file. */
    public static Path fetchedPath(Path home) {
        return home.resolve(".mlmesh/datasets").resolve(FULL_NAME);
    }

    /** The file's SHA-256 in lowercase hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
