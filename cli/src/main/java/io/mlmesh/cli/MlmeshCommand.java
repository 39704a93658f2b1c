package io.mlmesh.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mlmesh} command. */
@Command(name = "mlmesh", mixinStandardHelpOptions = true, version = "mlmesh 0.1.0",
        description = "Runs and drives the mlmesh services on this machine.",
        subcommands = {DemoCommand.class, UpCommand.class, DownCommand.class,
            StatusCommand.class, ModelsCommand.class, RunsCommand.class,
            FetchDataCommand.class})
public final class MlmeshCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        System.exit(new CommandLine(new MlmeshCommand()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The repository root: {@code -Dmlmesh.home}, else {@code MLMESH_HOME}, else here. */
    static Path home() {
        String home = System.getProperty("mlmesh.home", System.getenv("MLMESH_HOME"));
        return Path.of(home == null ? "." : home).toAbsolutePath().normalize();
    }

    /** Where {@code up} keeps the mesh it started. */
    static Path runDir() {
        return home().resolve(".mlmesh/run");
    }
}
