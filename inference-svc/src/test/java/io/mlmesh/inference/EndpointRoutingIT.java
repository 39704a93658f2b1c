package io.mlmesh.inference;

import static io.mlmesh.inference.InferencePeers.retryWhileUnavailable;
import static io.mlmesh.inference.InferencePeers.startPeer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.mlmesh.inference.FlightsModel.Flight;
import io.mlmesh.inference.v1.DeleteEndpointRequest;
import io.mlmesh.inference.v1.Endpoint;
import io.mlmesh.inference.v1.EndpointShadow;
import io.mlmesh.inference.v1.EndpointStatus;
import io.mlmesh.inference.v1.EndpointVariant;
import io.mlmesh.inference.v1.FieldValue;
import io.mlmesh.inference.v1.GetEndpointRequest;
import io.mlmesh.inference.v1.ListEndpointsRequest;
import io.mlmesh.inference.v1.LoadModelRequest;
import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.inference.v1.PredictResponse;
import io.mlmesh.inference.v1.PredictorGrpc;
import io.mlmesh.inference.v1.SetEndpointRequest;
import io.mlmesh.inference.v1.ShadowStats;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Endpoints through the running Quarkus service: {@code Predict} naming an endpoint, over a
 * real gRPC channel, with the in-test registry ({@link FakeRegistry}) and feature store
 * ({@link FakeFeatureStore}) stand-ins. Only version 1 of the stand-in registry loads, so the
 * two variants name version 1 by number and by alias; version 2 (never loadable) is the
 * shadow that is down. Failing and slow versions are covered by {@code EndpointRoutingGrpcTest}.
 *
 * <p>Its own test profile gives it a fresh service, so that the models it loads do not reach
 * {@code InferenceServiceIT}, which checks that none is loaded at start.
 */
@QuarkusTest
@TestProfile(EndpointRoutingIT.RoutingProfile.class)
@WithTestResource(PeerPortsResource.class)
class EndpointRoutingIT {

    /** A distinct profile: a service of its own. */
    public static final class RoutingProfile implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mlmesh.inference.routing.shadow-queue-size", "64");
        }
    }

    private static final String MODEL = FlightsModel.MODEL;

    private static FlightsModel flights;
    private static List<Server> peers;
    private static ManagedChannel channel;
    private static PredictorGrpc.PredictorBlockingStub predictor;

    @BeforeAll
    static void startPeersAndLoadModel() throws Exception {
        flights = FlightsModel.trained();
        peers = List.of(
                startPeer("quarkus.grpc.clients.registry.port",
                        new FakeRegistry(flights.bundleBytes())),
                startPeer("quarkus.grpc.clients.featurestore.port",
                        new FakeFeatureStore(flights.originStats())));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port()).usePlaintext().build();
        predictor = PredictorGrpc.newBlockingStub(channel);
        retryWhileUnavailable(() -> predictor.loadModel(LoadModelRequest.newBuilder()
                .setModel(MODEL).setAlias("production").build()));
    }

    @AfterAll
    static void stopPeers() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        for (Server peer : peers) {
            peer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void predict_endpointByRoutingKey_splitsStickyAndNamesVariant() throws Exception {
        set(Endpoint.newBuilder().setName("delay-ab")
                .addVariants(variant("blue", 3).setVersion(1))
                .addVariants(variant("green", 1).setAlias("production"))
                .build());
        int requests = 800;
        int green = 0;

        for (int i = 0; i < requests; i++) {
            Flight flight = flights.heldOut().get(i % flights.heldOut().size());
            PredictResponse response = predictor.predict(requestOf(flight, "delay-ab")
                    .setRoutingKey("customer-" + i).build());
            assertEquals(flights.scoreOf(flight), response.getScore(), 1e-6);
            assertEquals("delay-ab", response.getEndpoint());
            assertEquals(1, response.getVersion());
            assertEquals(response.getVariant(), predictor.predict(requestOf(flight, "delay-ab")
                    .setRoutingKey("customer-" + i).build()).getVariant());
            green += response.getVariant().equals("green") ? 1 : 0;
        }

        double greenShare = green / (double) requests;
        assertTrue(Math.abs(greenShare - 0.25) < 0.05, "green share " + greenShare);
        EndpointStatus status = get("delay-ab");
        assertEquals(2L * green, status.getVariants(1).getCalls());
        assertEquals(2L * requests, status.getVariants(0).getCalls()
                + status.getVariants(1).getCalls());
        assertEquals(2.0 * green, metricValue("mlmesh_inference_endpoint_requests_seconds_count{"
                + "endpoint=\"delay-ab\",outcome=\"success\",variant=\"green\"}"));
    }

    @Test
    void predict_requestIdWithoutRoutingKey_sameVariantAsThatKey() {
        set(Endpoint.newBuilder().setName("delay-id")
                .addVariants(variant("blue", 1).setVersion(1))
                .addVariants(variant("green", 1).setVersion(1))
                .build());
        Flight flight = flights.heldOut().get(0);

        for (int i = 0; i < 50; i++) {
            assertEquals(predictor.predict(requestOf(flight, "delay-id")
                            .setRoutingKey("r-" + i).build()).getVariant(),
                    predictor.predict(requestOf(flight, "delay-id")
                            .setRequestId("r-" + i).build()).getVariant());
        }
    }

    @Test
    void predict_shadowDownAndShadowTwin_primaryUnchangedTwinAgrees() throws Exception {
        set(Endpoint.newBuilder().setName("delay-shadowed")
                .addVariants(variant("blue", 1).setVersion(1))
                .addShadows(shadow("down", 2))
                .addShadows(shadow("twin", 1))
                .build());
        int requests = 30;

        for (int i = 0; i < requests; i++) {
            Flight flight = flights.heldOut().get(i);
            PredictResponse response = predictor.withDeadlineAfter(2, TimeUnit.SECONDS)
                    .predict(requestOf(flight, "delay-shadowed").build());
            assertEquals(flights.scoreOf(flight), response.getScore(), 1e-6);
            assertEquals("blue", response.getVariant());
        }

        long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (shadowOf("delay-shadowed", "twin").getCompared() < requests
                || shadowOf("delay-shadowed", "down").getFailed() < requests) {
            assertTrue(System.nanoTime() < deadlineNanos, "shadows not done: "
                    + get("delay-shadowed").getShadowsList());
            Thread.sleep(20);
        }
        assertEquals(1.0, shadowOf("delay-shadowed", "twin").getAgreementRate());
        assertEquals(0.0, shadowOf("delay-shadowed", "twin").getMeanAbsScoreDiff());
        assertEquals(0, shadowOf("delay-shadowed", "down").getSent());
    }

    @Test
    void deleteEndpoint_thenPredict_notFoundNamingModel() {
        set(Endpoint.newBuilder().setName("delay-gone")
                .addVariants(variant("blue", 1).setVersion(1)).build());

        predictor.deleteEndpoint(DeleteEndpointRequest.newBuilder().setName("delay-gone").build());

        StatusRuntimeException gone = assertThrows(StatusRuntimeException.class,
                () -> predictor.predict(requestOf(flights.heldOut().get(0), "delay-gone")
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
        assertEquals("model 'delay-gone' is not loaded", gone.getStatus().getDescription());
        assertTrue(predictor.listEndpoints(ListEndpointsRequest.getDefaultInstance())
                .getEndpointsList().stream()
                .noneMatch(e -> e.getEndpoint().getName().equals("delay-gone")));
    }

    private static void set(Endpoint endpoint) {
        predictor.setEndpoint(SetEndpointRequest.newBuilder().setEndpoint(endpoint).build());
    }

    private static EndpointStatus get(String name) {
        return predictor.getEndpoint(GetEndpointRequest.newBuilder().setName(name).build());
    }

    private static ShadowStats shadowOf(String endpoint, String shadow) {
        return get(endpoint).getShadowsList().stream()
                .filter(s -> s.getShadow().equals(shadow)).findFirst().orElseThrow();
    }

    private static EndpointVariant.Builder variant(String name, long weight) {
        return EndpointVariant.newBuilder().setName(name).setModel(MODEL).setWeight(weight);
    }

    private static EndpointShadow shadow(String name, long version) {
        return EndpointShadow.newBuilder().setName(name).setModel(MODEL).setVersion(version)
                .setSampleRate(1.0).build();
    }

    private static PredictRequest.Builder requestOf(Flight flight, String endpoint) {
        long micros = flight.dateMicros();
        return PredictRequest.newBuilder()
                .setModel(endpoint)
                .putFields("date", FieldValue.newBuilder().setTime(Timestamp.newBuilder()
                        .setSeconds(Math.floorDiv(micros, 1_000_000L))
                        .setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000)).build())
                .putFields("distance", FieldValue.newBuilder().setNumber(flight.distance())
                        .build())
                .putFields("origin", FieldValue.newBuilder().setText(flight.origin()).build())
                .putFields("destination",
                        FieldValue.newBuilder().setText(flight.destination()).build());
    }

    /**
     * The value of the Prometheus sample {@code series} (name and labels) at /q/metrics: the
     * first token after the series, before any exemplar ({@code # {trace_id=...}}) that tracing
     * appends.
     */
    private static double metricValue(String series) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body().lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(
                        line.substring(series.length() + 1).split(" ", 2)[0]))
                .findFirst().orElseThrow(() -> new AssertionError(series + " not exported"));
    }

    private static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }


}
