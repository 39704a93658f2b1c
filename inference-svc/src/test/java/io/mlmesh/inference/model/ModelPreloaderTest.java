package io.mlmesh.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.mlmesh.core.mlp.DjlRuntime;
import io.mlmesh.inference.FakeRegistry;
import io.mlmesh.inference.FlightsModel;
import io.mlmesh.registry.v1.RegistryGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Start-up preloading against a real gRPC channel: a registry stand-in on a loopback port, or
 * a port where nothing listens. The real registry is exercised by the lead's end-to-end test.
 */
class ModelPreloaderTest {

    @Test
    void preload_registryUnreachable_skipsWithoutThrowing() throws Exception {
        ModelCatalog catalog = new ModelCatalog();
        ManagedChannel channel = channelTo(freePort());
        try {
            ModelPreloader preloader = new ModelPreloader(loaderOn(channel, catalog),
                    List.of(FlightsModel.MODEL + "@production"));

            int loaded = preloader.preload();

            assertEquals(0, loaded);
            assertTrue(catalog.list().isEmpty());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void preload_mixedEntries_loadsGoodOnesAndSkipsOthers() throws Exception {
        ModelCatalog catalog = new ModelCatalog();
        Server registry = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new FakeRegistry(FlightsModel.trained().bundleBytes()))
                .build().start();
        ManagedChannel channel = channelTo(registry.getPort());
        try {
            ModelPreloader preloader = new ModelPreloader(loaderOn(channel, catalog), List.of(
                    "ghost", FlightsModel.MODEL + "@tampered", FlightsModel.MODEL + "@",
                    " " + FlightsModel.MODEL + "@1 ", ""));

            int loaded = preloader.preload();

            assertEquals(1, loaded);
            assertEquals(1, catalog.resolve(FlightsModel.MODEL, 0).version());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            registry.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static ModelLoader loaderOn(ManagedChannel channel, ModelCatalog catalog) {
        return new ModelLoader(RegistryGrpc.newBlockingStub(channel), catalog, 5000, 1,
                Clock.systemUTC(), served -> { },
                new MlpEngine(DjlRuntime.DeviceSetting.CPU, Optional.empty()));
    }

    private static ManagedChannel channelTo(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
