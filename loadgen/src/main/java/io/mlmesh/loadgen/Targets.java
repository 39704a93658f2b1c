package io.mlmesh.loadgen;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Plaintext channels to a {@code host:port}, as a benchmark on loopback wants them. */
final class Targets {

    private Targets() {
    }

    /**
     * A channel whose callbacks run on the transport's threads: the load generator's callbacks
     * never block, and a hand-off to an executor would add client cost to every call.
     */
    static ManagedChannel open(String target) {
        return NettyChannelBuilder.forTarget(target)
                .usePlaintext()
                .directExecutor()
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
    }

    static void close(List<ManagedChannel> channels) throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
