package io.mlmesh.inference.grpc;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import io.mlmesh.core.model.OnlineFeatureRef;
import io.mlmesh.featurestore.v1.FeatureStatus;
import io.mlmesh.inference.CallerDeadline;
import io.mlmesh.inference.InferenceException;
import io.mlmesh.inference.batching.BatchQueues;
import io.mlmesh.inference.batching.Priority;
import io.mlmesh.inference.batching.QueuedRequest;
import io.mlmesh.inference.features.FeatureStoreReader;
import io.mlmesh.inference.features.OnlineFeaturePlan;
import io.mlmesh.inference.features.OnlineFeatures;
import io.mlmesh.inference.model.FieldKind;
import io.mlmesh.inference.model.ModelCatalog;
import io.mlmesh.inference.model.ModelLoader;
import io.mlmesh.inference.model.ModelSelector;
import io.mlmesh.inference.model.ModelVersions;
import io.mlmesh.inference.model.RequestSchema;
import io.mlmesh.inference.model.ServingModel;
import io.mlmesh.inference.predictionlog.PredictionLog;
import io.mlmesh.inference.predictionlog.RequestIds;
import io.mlmesh.inference.routing.EndpointRouter;
import io.mlmesh.inference.routing.Route;
import io.mlmesh.inference.v1.DeleteEndpointRequest;
import io.mlmesh.inference.v1.DeleteEndpointResponse;
import io.mlmesh.inference.v1.EndpointStatus;
import io.mlmesh.inference.v1.FieldValue;
import io.mlmesh.inference.v1.GetEndpointRequest;
import io.mlmesh.inference.v1.ListEndpointsRequest;
import io.mlmesh.inference.v1.ListEndpointsResponse;
import io.mlmesh.inference.v1.ListModelsRequest;
import io.mlmesh.inference.v1.ListModelsResponse;
import io.mlmesh.inference.v1.LoadModelRequest;
import io.mlmesh.inference.v1.LoadedModel;
import io.mlmesh.inference.v1.PredictRequest;
import io.mlmesh.inference.v1.PredictResponse;
import io.mlmesh.inference.v1.PredictorGrpc;
import io.mlmesh.inference.v1.SetEndpointRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * mlmesh's Predictor: raw request fields in, online features joined, core's vectorizer (the
 * one training used) applied, XGBoost's probability out. The vector joins the model version's
 * batch queue, so concurrent Predicts share engine calls; the answer leaves from the queue's
 * dispatcher thread and the worker thread is free once the row is queued.
 *
 * <p>Predict is the latency path: it validates field kinds against the schema derived at load
 * time, makes exactly one feature store call under the caller's deadline, and allocates only
 * the row, the vector and the response. It logs nothing per request. An entity the feature
 * store does not know is not an error: its features are missing (NaN) and XGBoost's learned
 * missing-value branches decide, as they did for training rows without those features.
 *
 * <p>{@code model} may name an endpoint ({@link EndpointRouter}): the routing key picks the
 * variant whose version answers, the response names the variant, and sampled copies go to the
 * endpoint's shadows off this thread. The endpoint RPCs manage endpoints.
 *
 * <p>Runs on worker threads ({@link Blocking}): the feature store call and XGBoost block.
 */
@GrpcService
@Blocking
public class PredictorGrpcService extends PredictorGrpc.PredictorImplBase {

    private static final String STATUS_PREFIX = "FEATURE_STATUS_";
    private static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L;
    private static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;

    private final ModelCatalog catalog;
    private final ModelLoader loader;
    private final FeatureStoreReader featureStore;
    private final BatchQueues queues;
    private final EndpointRouter router;
    private final PredictionLog predictionLog;

    @Inject
    public PredictorGrpcService(ModelCatalog catalog, ModelLoader loader,
            FeatureStoreReader featureStore, BatchQueues queues, EndpointRouter router,
            PredictionLog predictionLog) {
        this.catalog = catalog;
        this.loader = loader;
        this.featureStore = featureStore;
        this.queues = queues;
        this.router = router;
        this.predictionLog = predictionLog;
    }

    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> observer) {
        StatusMapper.respondLater(observer, () -> submit(request));
    }

    @Override
    public void loadModel(LoadModelRequest request, StreamObserver<LoadedModel> observer) {
        StatusMapper.respond(observer, () -> toProto(
                loader.load(request.getModel(), selectorOf(request)), true));
    }

    @Override
    public void listModels(ListModelsRequest request,
            StreamObserver<ListModelsResponse> observer) {
        StatusMapper.respond(observer, this::listModels);
    }

    @Override
    public void setEndpoint(SetEndpointRequest request,
            StreamObserver<EndpointStatus> observer) {
        StatusMapper.respond(observer, () -> EndpointProtos.toProto(
                router.set(EndpointProtos.fromProto(request.getEndpoint()))));
    }

    @Override
    public void getEndpoint(GetEndpointRequest request,
            StreamObserver<EndpointStatus> observer) {
        StatusMapper.respond(observer,
                () -> EndpointProtos.toProto(router.get(request.getName())));
    }

    @Override
    public void listEndpoints(ListEndpointsRequest request,
            StreamObserver<ListEndpointsResponse> observer) {
        StatusMapper.respond(observer, () -> ListEndpointsResponse.newBuilder()
                .addAllEndpoints(router.list().stream().map(EndpointProtos::toProto).toList())
                .build());
    }

    @Override
    public void deleteEndpoint(DeleteEndpointRequest request,
            StreamObserver<DeleteEndpointResponse> observer) {
        StatusMapper.respond(observer, () -> {
            router.delete(request.getName());
            return DeleteEndpointResponse.getDefaultInstance();
        });
    }

    private Scoring<PredictResponse> submit(PredictRequest request) {
        long receivedNanos = System.nanoTime();
        if (request.getModel().isEmpty()) {
            throw InferenceException.invalid("model is empty");
        }
        if (request.getVersion() < 0) {
            throw InferenceException.invalid(
                    "version must be 0 (default) or positive, got " + request.getVersion());
        }

        Priority priority = Priority.of(request.getPriority(), "priority");
        Route route = router.route(request.getModel(), request.getVersion(),
                () -> routingKeyOf(request));
        ServingModel model = route.model();
        Map<String, FieldValue> fields = request.getFieldsMap();
        checkFields(model.requestSchema(), fields);
        checkNoUnknownFields(model, fields);
        OnlineFeatures online = featureStore.read(model.onlineFeatures(),
                entityKeys(model.onlineFeatures(), request),
                request.hasAsOf() ? request.getAsOf() : null);
        float[] input = model.vectorizer().vectorize(
                new RequestRow(fields, model.onlineFeatures(), online.values()));
        QueuedRequest queued = route.submit(queues, input, 1, priority,
                CallerDeadline.remainingNanos());
        route.mirror(queued.scores(), 1, shadow -> shadowInput(shadow, model, request, online));
        return new Scoring<>(queued, scores -> logged(request, model, online, receivedNanos,
                response(request, route, scores[0], input, online)));
    }

    /**
     * The key that picks an endpoint's variant: {@code routing_key}, else {@code request_id},
     * else the entity keys in column order; empty (a random pick) when none is set.
     */
    private static String routingKeyOf(PredictRequest request) {
        if (!request.getRoutingKey().isEmpty()) {
            return request.getRoutingKey();
        }
        if (!request.getRequestId().isEmpty()) {
            return request.getRequestId();
        }
        return request.getEntityKeysCount() == 0
                ? ""
                : new TreeMap<>(request.getEntityKeysMap()).toString();
    }

    /**
     * The request vectorized for a shadow version, on a shadow thread: the primary's online
     * features when the shadow reads the same views, else its own read.
     */
    private float[] shadowInput(ServingModel shadow, ServingModel primary,
            PredictRequest request, OnlineFeatures primaryOnline) {
        Map<String, FieldValue> fields = request.getFieldsMap();
        checkFields(shadow.requestSchema(), fields);
        OnlineFeatures online = shadow.onlineFeatures().views()
                .equals(primary.onlineFeatures().views())
                ? primaryOnline
                : featureStore.read(shadow.onlineFeatures(),
                        entityKeys(shadow.onlineFeatures(), request),
                        request.hasAsOf() ? request.getAsOf() : null);
        return shadow.vectorizer().vectorize(
                new RequestRow(fields, shadow.onlineFeatures(), online.values()));
    }

    /** Hands the finished prediction to the prediction log (never blocks) and returns it. */
    private PredictResponse logged(PredictRequest request, ServingModel model,
            OnlineFeatures online, long receivedNanos, PredictResponse response) {
        predictionLog.offer(request, model.onlineFeatures(), online, receivedNanos, response);
        return response;
    }

    private static void checkFields(RequestSchema schema, Map<String, FieldValue> fields) {
        for (int i = 0; i < schema.size(); i++) {
            FieldValue value = fields.get(schema.column(i));
            if (value == null || value.getKindCase() == FieldValue.KindCase.KIND_NOT_SET) {
                continue;
            }
            FieldKind actual = kindOf(value);
            if (actual != schema.kind(i)) {
                throw InferenceException.invalid("field '" + schema.column(i) + "': expected "
                        + schema.kind(i).label() + ", got " + actual.label());
            }
            if (actual == FieldKind.TIME) {
                checkTimestamp(schema.column(i), value.getTime());
            }
        }
    }

    /**
     * Refuses a field the answering model does not read: a misspelt name would otherwise be
     * scored silently as a missing value. Shadows skip this check, since a shadow may read
     * fewer fields than the primary.
     */
    private static void checkNoUnknownFields(ServingModel model,
            Map<String, FieldValue> fields) {
        RequestSchema schema = model.requestSchema();
        for (String field : fields.keySet()) {
            if (!schema.contains(field)) {
                throw InferenceException.invalid("field '" + field + "' is not read by model '"
                        + model.name() + "' version " + model.version() + "; it reads "
                        + schema.columns());
            }
        }
    }

    private static FieldKind kindOf(FieldValue value) {
        return switch (value.getKindCase()) {
            case TEXT -> FieldKind.TEXT;
            case TIME -> FieldKind.TIME;
            default -> FieldKind.NUMBER;
        };
    }

    private static void checkTimestamp(String column, Timestamp time) {
        if (time.getSeconds() < MIN_TIMESTAMP_SECONDS || time.getSeconds() > MAX_TIMESTAMP_SECONDS
                || time.getNanos() < 0 || time.getNanos() > 999_999_999) {
            throw InferenceException.invalid("field '" + column
                    + "': timestamp outside years 1 to 9999 or with invalid nanos");
        }
    }

    private static String[] entityKeys(OnlineFeaturePlan online, PredictRequest request) {
        List<OnlineFeatureRef> views = online.views();
        String[] keys = new String[views.size()];
        for (int v = 0; v < keys.length; v++) {
            String column = views.get(v).entityColumn();
            String key = request.getEntityKeysOrDefault(column, null);
            if (key == null) {
                FieldValue field = request.getFieldsOrDefault(column, null);
                key = field != null && field.getKindCase() == FieldValue.KindCase.TEXT
                        ? field.getText()
                        : null;
            }
            keys[v] = key == null || key.isEmpty() ? null : key;
        }
        return keys;
    }

    private static PredictResponse response(PredictRequest request, Route route,
            float score, float[] input, OnlineFeatures online) {
        ServingModel model = route.model();
        PredictResponse.Builder response = PredictResponse.newBuilder()
                .setScore(score)
                .setModel(model.name())
                .setVersion(model.version())
                .setRequestId(RequestIds.orNew(request.getRequestId()))
                .setVariant(route.variant())
                .setEndpoint(route.endpoint());
        if (!request.getReturnFeatures()) {
            return response.build();
        }

        for (float value : input) {
            response.addFeatures(value);
        }
        response.addAllFeatureNames(model.vectorizer().featureNames());
        FeatureStatus[] statuses = online.statuses();
        for (int slot = 0; slot < statuses.length; slot++) {
            response.putFeatureStatuses(model.onlineFeatures().columnOf(slot),
                    statuses[slot].name().substring(STATUS_PREFIX.length()));
        }
        return response.build();
    }

    private static ModelSelector selectorOf(LoadModelRequest request) {
        return switch (request.getSelectorCase()) {
            case VERSION -> {
                if (request.getVersion() < 1) {
                    throw InferenceException.invalid(
                            "version must be at least 1, got " + request.getVersion());
                }
                yield ModelSelector.ofVersion(request.getVersion());
            }
            case ALIAS -> {
                if (request.getAlias().isBlank()) {
                    throw InferenceException.invalid("alias is empty");
                }
                yield ModelSelector.ofAlias(request.getAlias());
            }
            case SELECTOR_NOT_SET -> ModelSelector.newest();
        };
    }

    private ListModelsResponse listModels() {
        ListModelsResponse.Builder response = ListModelsResponse.newBuilder();
        for (ModelVersions versions : catalog.list()) {
            ServingModel servingDefault = versions.servingDefault();
            versions.byVersion().values().forEach(model -> response.addModels(
                    model == servingDefault
                            ? withSwapFailure(toProto(model, true))
                            : toProto(model, false)));
        }
        return response.build();
    }

    /** The serving default with the hot swap its alias could not make, if any. */
    private LoadedModel withSwapFailure(LoadedModel servingDefault) {
        return catalog.swapFailureOf(servingDefault.getModel())
                .map(failure -> servingDefault.toBuilder()
                        .setSwapFailedVersion(failure.version())
                        .setSwapFailure(failure.reason())
                        .build())
                .orElse(servingDefault);
    }

    private static LoadedModel toProto(ServingModel model, boolean servingDefault) {
        return LoadedModel.newBuilder()
                .setModel(model.name())
                .setVersion(model.version())
                .setArtifactSha256(model.artifactSha256())
                .addAllFeatureNames(model.vectorizer().featureNames())
                .setLoadedAt(Timestamp.newBuilder()
                        .setSeconds(model.loadedAt().getEpochSecond())
                        .setNanos(model.loadedAt().getNano()))
                .setAlias(model.alias())
                .setServingDefault(servingDefault)
                .build();
    }
}
