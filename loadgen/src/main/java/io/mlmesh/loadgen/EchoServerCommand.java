package io.mlmesh.loadgen;

import io.grpc.Server;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loadgen echo-server}: the bare grpc-java baseline, until the process is stopped. */
@Command(name = "echo-server", mixinStandardHelpOptions = true,
        description = "Serves OIP ModelInfer with plain grpc-java on Netty (no Quarkus),"
                + " answering each request with its own tensors.")
final class EchoServerCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind")
    String host;

    @Option(names = "--port", required = true, description = "port to listen on")
    int port;

    @Override
    public Integer call() throws Exception {
        Server server = EchoService.start(host, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                EchoService.stop(server);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        server.awaitTermination();
        return 0;
    }
}
