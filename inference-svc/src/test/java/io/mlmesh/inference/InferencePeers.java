package io.mlmesh.inference;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * What the Quarkus integration tests of inference-svc share: in-test peers (registry, feature
 * store) served on the ports the test profile configured, and a first call that retries while
 * the service's channel to a peer that just started is still backing off.
 */
public final class InferencePeers {

    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(20);

    private InferencePeers() {
    }

    /** Serves {@code service} on loopback at the port configured under {@code portKey}. */
    public static Server startPeer(String portKey, BindableService service) throws IOException {
        int port = ConfigProvider.getConfig().getValue(portKey, Integer.class);
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(service).build().start();
    }

    /** Runs {@code call}, again every 200 ms while it fails UNAVAILABLE, for up to 20 s. */
    public static void retryWhileUnavailable(Runnable call) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + RETRY_NANOS;
        while (true) {
            try {
                call.run();
                return;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAVAILABLE
                        || System.nanoTime() > deadlineNanos) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
