package io.mlmesh.loadgen;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code loadgen} command. */
@Command(name = "loadgen", mixinStandardHelpOptions = true, version = "loadgen 0.1.0",
        description = "Measures OIP ModelInfer serving: concurrency sweeps with throughput,"
                + " latency percentiles and server-side queue and compute time.",
        subcommands = {PrepareCommand.class, SweepCommand.class, EchoServerCommand.class,
            SummaryCommand.class})
public final class LoadgenCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadgenCommand()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
