package io.mlmesh.loadgen;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ModelInferResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The bare gRPC floor the inference service is measured against: plain grpc-java on Netty, no
 * Quarkus, answering {@code ModelInfer} by sending the request's tensors back as outputs
 * (same names, types, shapes and raw bytes), so the answer is as large as the request and no
 * work is done beyond the RPC itself. Calls run on the transport's threads (direct executor),
 * the cheapest way grpc-java can serve. Every other OIP method is unimplemented, so a load
 * generator sees no statistics here.
 */
final class EchoService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private static final System.Logger LOG = System.getLogger(EchoService.class.getName());

    /** Starts an echo server on {@code host:port} (port 0: any free port). */
    static Server start(String host, int port) throws IOException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .directExecutor()
                .addService(new EchoService())
                .build()
                .start();
        LOG.log(System.Logger.Level.INFO, "echo server started address={0}:{1}", host,
                Integer.toString(server.getPort()));
        return server;
    }

    /** Stops the server, waiting a few seconds for calls in flight. */
    static void stop(Server server) throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void modelInfer(ModelInferRequest request,
            StreamObserver<ModelInferResponse> observer) {
        ModelInferResponse.Builder response = ModelInferResponse.newBuilder()
                .setModelName(request.getModelName())
                .setModelVersion(request.getModelVersion())
                .setId(request.getId())
                .addAllRawOutputContents(request.getRawInputContentsList());
        for (ModelInferRequest.InferInputTensor input : request.getInputsList()) {
            response.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(input.getName())
                    .setDatatype(input.getDatatype())
                    .addAllShape(input.getShapeList())
                    .setContents(input.getContents()));
        }
        observer.onNext(response.build());
        observer.onCompleted();
    }
}
