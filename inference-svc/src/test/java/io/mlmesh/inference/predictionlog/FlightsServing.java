package io.mlmesh.inference.predictionlog;

import static io.mlmesh.inference.InferencePeers.retryWhileUnavailable;
import static io.mlmesh.inference.InferencePeers.startPeer;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.mlmesh.inference.FakeFeatureStore;
import io.mlmesh.inference.FakeRegistry;
import io.mlmesh.inference.FlightsModel;
import io.mlmesh.inference.FlightsModel.Flight;
import io.mlmesh.inference.v1.FieldValue;
import io.mlmesh.inference.v1.LoadModelRequest;
import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.inference.v1.PredictorGrpc;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The running inference-svc test instance with the flights model loaded, its peers stood in by
 * in-test gRPC servers ({@link FakeRegistry}, {@link FakeFeatureStore}, as in the service's
 * other integration tests), and a Netty channel to it.
 */
final class FlightsServing implements AutoCloseable {

    final FlightsModel flights;
    final PredictorGrpc.PredictorBlockingStub predictor;
    private final List<Server> peers;
    private final ManagedChannel channel;

    private FlightsServing(FlightsModel flights, List<Server> peers, ManagedChannel channel) {
        this.flights = flights;
        this.peers = peers;
        this.channel = channel;
        this.predictor = PredictorGrpc.newBlockingStub(channel);
    }

    static FlightsServing start() throws IOException, InterruptedException {
        FlightsModel flights = FlightsModel.trained();
        List<Server> peers = List.of(
                startPeer("quarkus.grpc.clients.registry.port",
                        new FakeRegistry(flights.bundleBytes())),
                startPeer("quarkus.grpc.clients.featurestore.port",
                        new FakeFeatureStore(flights.originStats())));
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        FlightsServing serving = new FlightsServing(flights, peers,
                NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
        retryWhileUnavailable(() -> serving.predictor.loadModel(LoadModelRequest.newBuilder()
                .setModel(FlightsModel.MODEL).setAlias("production").build()));
        return serving;
    }

    PredictRequest.Builder requestOf(Flight flight) {
        long micros = flight.dateMicros();
        return PredictRequest.newBuilder()
                .setModel(FlightsModel.MODEL)
                .putFields("date", FieldValue.newBuilder().setTime(Timestamp.newBuilder()
                        .setSeconds(Math.floorDiv(micros, 1_000_000L))
                        .setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000)).build())
                .putFields("distance", FieldValue.newBuilder().setNumber(flight.distance())
                        .build())
                .putFields("origin", FieldValue.newBuilder().setText(flight.origin()).build())
                .putFields("destination", FieldValue.newBuilder()
                        .setText(flight.destination()).build());
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        for (Server peer : peers) {
            peer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
