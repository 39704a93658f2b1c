package io.mlmesh.cli.mesh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a running mesh lives: each service's process id and port, the online store and the
 * keys of its feedback loop. Saved as JSON in the run directory so that later commands
 * ({@code status}, {@code down}, verbs) find the mesh that {@code up} started.
 *
 * @param services process and port by service
 * @param redisPid the private Redis server's process id, or 0 when none was started
 * @param redisUrl the online store's URL, or empty for the in-process store
 * @param runDir where data and logs of this mesh live
 * @param feedbackKeyPrefix the prefix, unique to this mesh, of the prediction log stream and
 *     of the monitor's keys in the same Redis; empty when the feedback loop is off (no Redis)
 */
public record MeshState(Map<ServiceKind, Endpoint> services, long redisPid, String redisUrl,
        String runDir, String feedbackKeyPrefix) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final String FILE_NAME = "mesh.json";

    /** A started service. */
    public record Endpoint(long pid, int port) {
    }

    public MeshState {
        services = Map.copyOf(services);
        feedbackKeyPrefix = feedbackKeyPrefix == null ? "" : feedbackKeyPrefix;
    }

    /** Whether inference logs predictions and the monitor joins them with outcomes. */
    public boolean feedbackEnabled() {
        return !feedbackKeyPrefix.isEmpty();
    }

    public int port(ServiceKind kind) {
        return services.get(kind).port();
    }

    public void save() {
        try {
            Files.createDirectories(Path.of(runDir));
            JSON.writeValue(Path.of(runDir, FILE_NAME).toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the mesh state in " + runDir, e);
        }
    }

    /** The mesh state saved in a run directory, or null when there is none. */
    public static MeshState load(Path runDir) {
        Path file = runDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return JSON.readValue(file.toFile(), MeshState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mesh state " + file, e);
        }
    }

    public static void delete(Path runDir) {
        try {
            Files.deleteIfExists(runDir.resolve(FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the mesh state in " + runDir, e);
        }
    }
}
