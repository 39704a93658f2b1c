package io.mlmesh.inference.grpc;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.mlmesh.inference.config.InferenceConfig;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Refuses request messages above {@code mlmesh.inference.max-request-bytes} with
 * RESOURCE_EXHAUSTED naming the limit and the size, before any service method sees them.
 *
 * <p>Why here and not only in the transport: the Vert.x gRPC server that shares the HTTP port
 * answers a message above its own limit with RESOURCE_EXHAUSTED and no description at all, so
 * a client cannot tell which limit it hit. The transport limit stays as the memory bound, set
 * above this one; between the two, the caller gets a status that says what to change.
 */
@ApplicationScoped
@GlobalInterceptor
public class RequestSizeInterceptor implements ServerInterceptor {

    private static final Logger LOG = Logger.getLogger(RequestSizeInterceptor.class);

    private final int maxRequestBytes;

    @Inject
    public RequestSizeInterceptor(InferenceConfig config) {
        this.maxRequestBytes = config.maxRequestBytes();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {

            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                int sizeBytes = message instanceof MessageLite lite ? lite.getSerializedSize() : 0;
                if (sizeBytes <= maxRequestBytes) {
                    super.onMessage(message);
                    return;
                }

                refused = true;
                String method = call.getMethodDescriptor().getFullMethodName();
                LOG.warnf("request refused method=%s size_bytes=%d limit_bytes=%d", method,
                        sizeBytes, maxRequestBytes);
                call.close(Status.RESOURCE_EXHAUSTED.withDescription("request message of "
                        + sizeBytes + " bytes exceeds the limit of " + maxRequestBytes
                        + " bytes (mlmesh.inference.max-request-bytes)"), new Metadata());
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }
        };
    }
}
