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
import io.mlmesh.oip.ModelStatistics;
import io.mlmesh.oip.ModelStatisticsRequest;
import io.mlmesh.oip.ModelStatisticsResponse;
import io.mlmesh.oip.ModelStreamInferResponse;
import io.mlmesh.oip.RepositoryIndexRequest;
import io.mlmesh.oip.RepositoryIndexResponse;
import io.mlmesh.oip.RepositoryModelLoadRequest;
import io.mlmesh.oip.RepositoryModelLoadResponse;
import io.mlmesh.oip.RepositoryModelUnloadRequest;
import io.mlmesh.oip.RepositoryModelUnloadResponse;
import io.mlmesh.oip.ServerLiveRequest;
import io.mlmesh.oip.ServerLiveResponse;
import io.mlmesh.oip.ServerMetadataRequest;
import io.mlmesh.oip.ServerMetadataResponse;
import io.mlmesh.oip.ServerReadyRequest;
import io.mlmesh.oip.ServerReadyResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Extensions: ModelStreamInfer answers each request of a stream in order, with bounded
 * requests in flight ({@link StreamInferSession}); ModelStatistics reports each loaded
 * version's batch queue counters ({@link StatisticsProtos}); RepositoryIndex, RepositoryModelLoad
 * and RepositoryModelUnload manage the loaded versions ({@link ModelRepository}).
 *
 * <p>Runs on worker threads ({@link Blocking}): XGBoost blocks.
 */
@GrpcService
@Blocking
public class OpenInferenceGrpcService
        extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    static final String SERVER_NAME = "mlmesh-inference";
    static final String PREDICTOR_EXTENSION = "mlmesh_predictor";
    static final String REPOSITORY_EXTENSION = "model_repository";
    static final String STATISTICS_EXTENSION = "statistics";
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
    private final ModelRepository repository;
    private final int streamMaxInFlight;
    private final String serverVersion;

    @Inject
    public OpenInferenceGrpcService(ModelCatalog catalog, BatchQueues queues,
            EndpointRouter router, ModelRepository repository, OpenInferenceConfig config,
            @ConfigProperty(name = "quarkus.application.version") String serverVersion) {
        this(catalog, queues, router, repository, config.streamMaxInFlight(), serverVersion);
    }

    /**
     * A service with explicit settings.
     *
     * @param streamMaxInFlight the most requests a ModelStreamInfer stream has unanswered
     */
    OpenInferenceGrpcService(ModelCatalog catalog, BatchQueues queues, EndpointRouter router,
            ModelRepository repository, int streamMaxInFlight, String serverVersion) {
        if (streamMaxInFlight < 1) {
            throw new IllegalArgumentException(
                    "mlmesh.inference.oip.stream-max-in-flight must be at least 1, got "
                            + streamMaxInFlight);
        }
        this.catalog = catalog;
        this.queues = queues;
        this.router = router;
        this.repository = repository;
        this.streamMaxInFlight = streamMaxInFlight;
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
                .addExtensions(REPOSITORY_EXTENSION)
                .addExtensions(STATISTICS_EXTENSION)
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

    @Override
    public StreamObserver<ModelInferRequest> modelStreamInfer(
            StreamObserver<ModelStreamInferResponse> observer) {
        return StreamInferSession.open(observer, this::submit, streamMaxInFlight);
    }

    @Override
    public void modelStatistics(ModelStatisticsRequest request,
            StreamObserver<ModelStatisticsResponse> observer) {
        StatusMapper.respond(observer, () -> statistics(request));
    }

    @Override
    public void repositoryIndex(RepositoryIndexRequest request,
            StreamObserver<RepositoryIndexResponse> observer) {
        StatusMapper.respond(observer, () -> repository.index(request));
    }

    @Override
    public void repositoryModelLoad(RepositoryModelLoadRequest request,
            StreamObserver<RepositoryModelLoadResponse> observer) {
        StatusMapper.respond(observer, () -> {
            repository.load(request);
            return RepositoryModelLoadResponse.getDefaultInstance();
        });
    }

    @Override
    public void repositoryModelUnload(RepositoryModelUnloadRequest request,
            StreamObserver<RepositoryModelUnloadResponse> observer) {
        StatusMapper.respond(observer, () -> {
            repository.unload(request);
            return RepositoryModelUnloadResponse.getDefaultInstance();
        });
    }

    private boolean isLoaded(String name, String version) {
        long number = parseVersion(version, "version");
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
        ServingModel model = catalog.resolve(name, parseVersion(version, "version"));
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

    /**
     * Statistics of every loaded version of the named model (all models when the name is
     * empty), or of the one version named.
     */
    private ModelStatisticsResponse statistics(ModelStatisticsRequest request) {
        if (request.getName().isEmpty() && !request.getVersion().isEmpty()) {
            throw InferenceException.invalid("version '" + request.getVersion()
                    + "' is set but name is empty; name the model");
        }

        List<ServingModel> models = new ArrayList<>();
        if (!request.getVersion().isEmpty()) {
            models.add(catalog.resolve(request.getName(),
                    parseVersion(request.getVersion(), "version")));
        } else if (!request.getName().isEmpty()) {
            models.addAll(catalog.versionsOf(request.getName()).byVersion().values());
        } else {
            catalog.list().forEach(versions -> models.addAll(versions.byVersion().values()));
        }
        ModelStatisticsResponse.Builder response = ModelStatisticsResponse.newBuilder();
        for (ServingModel model : models) {
            response.addModelStats(statisticsOf(model));
        }
        return response.build();
    }

    private ModelStatistics statisticsOf(ServingModel model) {
        return StatisticsProtos.toProto(model.name(), model.version(),
                queues.statisticsOf(model.name(), model.version()).orElse(null));
    }

    private Scoring<ModelInferResponse> submit(ModelInferRequest request) {
        if (request.getModelName().isEmpty()) {
            throw InferenceException.invalid("model_name is empty");
        }

        Priority priority = priorityOf(request);
        Route route = router.route(request.getModelName(),
                parseVersion(request.getModelVersion(), "model_version"),
                () -> routingKeyOf(request));
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

    /** A version string (request field {@code field}) as a number; empty is 0, the default. */
    private static long parseVersion(String version, String field) {
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
            throw InferenceException.invalid(field + " '" + version
                    + "' is not a version number (1 or more, or empty for the default)");
        }
        return number;
    }
}
