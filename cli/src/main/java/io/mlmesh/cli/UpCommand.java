package io.mlmesh.cli;

import io.mlmesh.cli.mesh.MeshLauncher;
import io.mlmesh.cli.mesh.MeshState;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mlmesh up}: starts the five services (and a private Redis) in the background. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Starts Redis (when not given) and the five services as background"
                + " processes, and waits until each is healthy.")
final class UpCommand implements Callable<Integer> {

    @Option(names = "--redis-url", description = "Online store to use, e.g."
            + " redis://127.0.0.1:6379. Default: a private redis-server on a free port, or the"
            + " in-process store when redis-server is not installed.")
    String redisUrl;

    @Option(names = "--registry-jdbc-url", description = "PostgreSQL for registry metadata,"
            + " e.g. jdbc:postgresql://127.0.0.1:5432/mlmesh. Default: an embedded file"
            + " database.")
    String registryJdbcUrl;

    @Override
    public Integer call() {
        Path runDir = MlmeshCommand.runDir();
        MeshState running = MeshState.load(runDir);
        if (running != null && StatusCommand.allServing(running)) {
            System.out.println("the mesh is already running; ./mlmesh status shows it");
            return 0;
        }
        MeshLauncher launcher = new MeshLauncher(MlmeshCommand.home(), runDir, System.out);
        try {
            MeshState state = launcher.start(redisUrl, registryJdbcUrl);
            System.out.println("mesh is up; state in " + runDir.resolve("mesh.json"));
            StatusCommand.print(state);
            return 0;
        } catch (RuntimeException e) {
            launcher.stopStarted();
            throw e;
        }
    }
}
