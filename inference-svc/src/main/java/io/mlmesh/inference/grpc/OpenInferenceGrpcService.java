package io.mlmesh.inference.grpc;

import io.grpc.stub.StreamObserver;
import io.mlmesh.inference.CallerDeadline;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.batching.BatchQueues;
import io.mlmesh.inference.batching.Priority;
import io.mlmesh.inference.batching.QueuedRequest;
import io.mlmesh.inference.model.ModelCatalog;
import io.mlmesh.inference.model.ModelVersions;
import io.mlmesh.inference.model.ServingModel;
import io.mlmesh.inference.routing.EndpointRouter;
import io.mlmesh.inference.routing.Route;
import io.mlmesh.oip.GRPCInferenceServiceGrpc;
import io.mlmesh.oip.InferParameter;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ModelInferResponse;
import io.mlmesh.oip.ModelMetadataRequest;
import io.mlmesh.oip.ModelMetadataResponse;
import io.mlmesh.oip.ModelMetadataResponse.TensorMetadata;
import io.mlmesh.oip.ModelReadyRequest;
import io.mlmesh.oip.ModelReadyResponse;
import io.mlmesh.oip.ServerLiveRequest;
import io.mlmesh.oip.ServerLiveResponse;
import io.mlmesh.oip.ServerMetadataRequest;
import io.mlmesh.oip.ServerMetadataResponse;
import io.mlmesh.oip.ServerReadyRequest;
import io.mlmesh.oip.ServerReadyResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The Open Inference Protocol (KServe v2) over the loaded models, so that KServe and Triton
 * clients can call mlmesh unchanged. Tensors are model inputs already vectorized: no online
 * features are read here (Predict does that).
 *
 * <p>Readiness: ServerReady is true whenever the service answers, models or not, so that a
 * client can reach LoadModel before any model exists; ModelReady says whether a model version
 * can infer. A model version given as {@code ""} means the model's default version.
 *
 * <p>ModelInfer's {@code model_name} may name an endpoint (with an empty version): the
 * parameter {@code routing_key}, else the request id, picks the variant, whose name comes back
 * in the response parameter {@code variant}; shadows get copies of the tensor.
 *
 * <p>Runs on worker threads ({@link Blocking}): XGBoost blocks.
 */
@GrpcService
@Blocking
public class OpenInferenceGrpcService
        extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    static final String SERVER_NAME = "mlmesh-inference";
    static final String PREDICTOR_EXTENSION = "mlmesh_predictor";
    private static final String PLATFORM = "xgboost";
    private static final String INPUT_NAME = "input";
    private static final String INPUT_DATATYPE = "FP32";

    private static final String PRIORITY = "priority";
    private static final String ROUTING_KEY = "routing_key";
    /** Response parameter naming the variant that answered, when model_name is an endpoint. */
    static final String VARIANT = "variant";

    private final ModelCatalog catalog;
    private final BatchQueues queues;
    private final EndpointRouter router;
    private final String serverVersion;

    @Inject
    public OpenInferenceGrpcService(ModelCatalog catalog, BatchQueues queues,
            EndpointRouter router,
            @ConfigProperty(name = "quarkus.application.version") String serverVersion) {
        this.catalog = catalog;
        this.queues = queues;
        this.router = router;
        this.serverVersion = serverVersion;
    }

    @Override
    public void serverLive(ServerLiveRequest request,
            StreamObserver<ServerLiveResponse> observer) {
        StatusMapper.respond(observer,
                () -> ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request,
            StreamObserver<ServerReadyResponse> observer) {
        StatusMapper.respond(observer,
                () -> ServerReadyResponse.newBuilder().setReady(true).build());
    }

    @Override
    public void modelReady(ModelReadyRequest request,
            StreamObserver<ModelReadyResponse> observer) {
        StatusMapper.respond(observer, () -> ModelReadyResponse.newBuilder()
                .setReady(isLoaded(request.getName(), request.getVersion()))
                .build());
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request,
            StreamObserver<ServerMetadataResponse> observer) {
        StatusMapper.respond(observer, () -> ServerMetadataResponse.newBuilder()
                .setName(SERVER_NAME)
                .setVersion(serverVersion)
                .addExtensions(PREDICTOR_EXTENSION)
                .build());
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request,
            StreamObserver<ModelMetadataResponse> observer) {
        StatusMapper.respond(observer,
                () -> metadata(request.getName(), request.getVersion()));
    }

    @Override
    public void modelInfer(ModelInferRequest request,
            StreamObserver<ModelInferResponse> observer) {
        StatusMapper.respondLater(observer, () -> submit(request));
    }

    private boolean isLoaded(String name, String version) {
        long number = parseVersion(version);
        try {
            catalog.resolve(name, number);
            return true;
        } catch (InferenceException e) {
            if (e.reason() != InferenceException.Reason.NOT_FOUND) {
                throw e;
            }
            return false;
        }
    }

    private ModelMetadataResponse metadata(String name, String version) {
        ServingModel model = catalog.resolve(name, parseVersion(version));
        ModelVersions versions = catalog.versionsOf(name);

        ModelMetadataResponse.Builder metadata = ModelMetadataResponse.newBuilder()
                .setName(name)
                .setPlatform(PLATFORM)
                .addInputs(TensorMetadata.newBuilder().setName(INPUT_NAME)
                        .setDatatype(INPUT_DATATYPE).addShape(-1).addShape(model.width()))
                .addOutputs(TensorMetadata.newBuilder().setName(InferTensors.OUTPUT_NAME)
                        .setDatatype(InferTensors.OUTPUT_DATATYPE).addShape(-1).addShape(1));
        versions.byVersion().keySet().forEach(number -> metadata.addVersions(number.toString()));
        return metadata.build();
    }

    private Scoring<ModelInferResponse> submit(ModelInferRequest request) {
        if (request.getModelName().isEmpty()) {
            throw InferenceException.invalid("model_name is empty");
        }

        Priority priority = priorityOf(request);
        Route route = router.route(request.getModelName(),
                parseVersion(request.getModelVersion()), () -> routingKeyOf(request));
        ServingModel model = route.model();
        InferTensors.Batch batch = InferTensors.decode(request, model.width(),
                "model '" + model.name() + "' version " + model.version());
        QueuedRequest queued = route.submit(queues, batch.values(), batch.rows(), priority,
                CallerDeadline.remainingNanos());
        route.mirror(queued.scores(), batch.rows(), shadow -> shadowRows(shadow, batch));
        return new Scoring<>(queued, scores -> {
            ModelInferResponse.Builder response = ModelInferResponse.newBuilder()
                    .setModelName(model.name())
                    .setModelVersion(Long.toString(model.version()))
                    .setId(request.getId())
                    .putAllParameters(request.getParametersMap());
            if (!route.endpoint().isEmpty()) {
                response.putParameters(VARIANT, InferParameter.newBuilder()
                        .setStringParam(route.variant()).build());
            }
            InferTensors.encode(scores, batch.raw(), response);
            return response.build();
        });
    }

    /**
     * The key that picks an endpoint's variant: {@code parameters["routing_key"]} (a string),
     * else the request id; empty (a random pick) when neither is set.
     */
    private static String routingKeyOf(ModelInferRequest request) {
        InferParameter key = request.getParametersMap().get(ROUTING_KEY);
        if (key != null && key.hasStringParam() && !key.getStringParam().isEmpty()) {
            return key.getStringParam();
        }
        return request.getId();
    }

    /** The request's tensor for a shadow version, which must take the same input width. */
    private static float[] shadowRows(ServingModel shadow, InferTensors.Batch batch) {
        if (shadow.width() * batch.rows() != batch.values().length) {
            throw InferenceException.failedPrecondition("shadow model '" + shadow.name()
                    + "' version " + shadow.version() + " takes " + shadow.width()
                    + " inputs per row, the request has "
                    + batch.values().length / batch.rows());
        }
        return batch.values();
    }

    /** The batch queue level of {@code parameters["priority"]}: int64 or uint64, 0 or 1. */
    private static Priority priorityOf(ModelInferRequest request) {
        InferParameter parameter = request.getParametersMap().get(PRIORITY);
        if (parameter == null) {
            return Priority.NORMAL;
        }

        String field = "parameters[\"" + PRIORITY + "\"]";
        return switch (parameter.getParameterChoiceCase()) {
            case INT64_PARAM -> Priority.of(parameter.getInt64Param(), field);
            case UINT64_PARAM -> Priority.of(parameter.getUint64Param(), field);
            default -> throw InferenceException.invalid(field + " must be an int64 0 or 1, got "
                    + parameter.getParameterChoiceCase().name().toLowerCase());
        };
    }

    /** A version string as a number; empty is 0, the default version. */
    private static long parseVersion(String version) {
        if (version.isEmpty()) {
            return 0;
        }

        long number;
        try {
            number = Long.parseLong(version);
        } catch (NumberFormatException e) {
            number = 0;
        }
        if (number < 1) {
            throw InferenceException.invalid("model_version '" + version
                    + "' is not a version number (1 or more, or empty for the default)");
        }
        return number;
    }
}
