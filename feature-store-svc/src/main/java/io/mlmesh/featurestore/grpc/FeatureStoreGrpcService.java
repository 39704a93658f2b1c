package io.mlmesh.featurestore.grpc;

import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.catalog.Catalog;
import io.mlmesh.featurestore.catalog.RegisteredSource;
import io.mlmesh.featurestore.catalog.SourceInspector;
import io.mlmesh.featurestore.ingest.Ingestion;
import io.mlmesh.featurestore.ingest.StreamIngestion;
import io.mlmesh.featurestore.offline.OfflineStore;
import io.mlmesh.featurestore.offline.TrainingSets;
import io.mlmesh.featurestore.online.Materializer;
import io.mlmesh.featurestore.online.OnlineFeatures;
import io.mlmesh.featurestore.v1.ApplyFeatureViewRequest;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.FeatureStoreGrpc;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.GetFeatureViewRequest;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesRequest;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesResponse;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.IngestAck;
import io.mlmesh.featurestore.v1.IngestRowsChunk;
import io.mlmesh.featurestore.v1.ListFeatureViewsRequest;
import io.mlmesh.featurestore.v1.ListFeatureViewsResponse;
import io.mlmesh.featurestore.v1.MaterializeProgress;
import io.mlmesh.featurestore.v1.MaterializeRequest;
import io.mlmesh.featurestore.v1.MaterializeResponse;
import io.mlmesh.featurestore.v1.RegisterSourceRequest;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The gRPC adapter of {@code mlmesh.featurestore.v1.FeatureStore}. Methods run on a worker
 * thread ({@link Blocking}), as DuckDB and Redis writes block, with two exceptions.
 * {@code GetOnlineFeatures}, the serving path, runs on the event loop: it reads the catalog's
 * memory and Redis asynchronously and answers from Lettuce's I/O thread, so a read costs no
 * hand-off to a worker and back. {@code IngestStream} starts on the event loop, which only
 * passes its messages on, and its chunks are written on
 * {@value #INGEST_THREADS} ingestion threads of its own, so at most that many chunks are written
 * at once across all streams and waiting streams are held back by flow control. Failures are
 * mapped to statuses by {@link StatusMapping}; the service keeps serving after any of them.
 */
@GrpcService
@Blocking
public final class FeatureStoreGrpcService extends FeatureStoreGrpc.FeatureStoreImplBase {

  private static final Logger LOG = Logger.getLogger(FeatureStoreGrpcService.class);
  private static final int INGEST_THREADS = 4;

  private final Catalog catalog;
  private final SourceInspector sourceInspector;
  private final Ingestion ingestion;
  private final OfflineStore offlineStore;
  private final TrainingSets trainingSets;
  private final Materializer materializer;
  private final OnlineFeatures onlineFeatures;
  private final StreamIngestion streamIngestion;
  private final ExecutorService ingestThreads;
  private final MeterRegistry meters;

  @Inject
  FeatureStoreGrpcService(Catalog catalog, SourceInspector sourceInspector, Ingestion ingestion,
      OfflineStore offlineStore, TrainingSets trainingSets, Materializer materializer,
      OnlineFeatures onlineFeatures, StreamIngestion streamIngestion, MeterRegistry meters) {
    this.catalog = catalog;
    this.sourceInspector = sourceInspector;
    this.ingestion = ingestion;
    this.offlineStore = offlineStore;
    this.trainingSets = trainingSets;
    this.materializer = materializer;
    this.onlineFeatures = onlineFeatures;
    this.streamIngestion = streamIngestion;
    this.meters = meters;
    AtomicInteger threadNumber = new AtomicInteger();
    this.ingestThreads = Executors.newFixedThreadPool(INGEST_THREADS, work -> {
      Thread thread = new Thread(work, "ingest-stream-" + threadNumber.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  @PreDestroy
  void stopIngestThreads() {
    ingestThreads.shutdown();
  }

  @Override
  public void registerSource(RegisterSourceRequest request,
      StreamObserver<DatasetVersion> observer) {
    respond("RegisterSource", observer, () -> {
      if (streamIngestion.isStreamed(request.getName())) {
        throw FeatureStoreException.failedPrecondition("name '" + request.getName()
            + "' is a source created by IngestStream; register files under another name");
      }
      RegisteredSource source = Ingestion.appliesTo(request)
          ? ingestion.ingest(request)
          : sourceInspector.inspect(request);
      catalog.putSource(source);
      LOG.infof("source registered source=%s rows=%d sha256=%s", source.name(),
          source.dataset().getRowCount(), source.dataset().getContentSha256());
      return source.dataset();
    });
  }

  @Override
  public void applyFeatureView(ApplyFeatureViewRequest request,
      StreamObserver<FeatureView> observer) {
    respond("ApplyFeatureView", observer, () -> {
      FeatureView view = offlineStore.apply(request.getSpec());
      LOG.infof("feature view applied view=%s version=%d", view.getSpec().getName(),
          view.getVersion());
      return view;
    });
  }

  @Override
  public void getFeatureView(GetFeatureViewRequest request,
      StreamObserver<FeatureView> observer) {
    respond("GetFeatureView", observer, () -> catalog
        .findView(request.getName(), request.getVersion())
        .orElseThrow(() -> FeatureStoreException.notFound("view '" + request.getName() + "'"
            + (request.getVersion() == 0 ? "" : " version " + request.getVersion())
            + " does not exist")));
  }

  @Override
  public void listFeatureViews(ListFeatureViewsRequest request,
      StreamObserver<ListFeatureViewsResponse> observer) {
    respond("ListFeatureViews", observer, () -> ListFeatureViewsResponse.newBuilder()
        .addAllViews(catalog.newestViews())
        .build());
  }

  @Override
  public void materialize(MaterializeRequest request,
      StreamObserver<MaterializeResponse> observer) {
    respond("Materialize", observer, () -> materializer.materialize(request));
  }

  @Override
  public void materializeWithProgress(MaterializeRequest request,
      StreamObserver<MaterializeProgress> observer) {
    MaterializeResponse result;
    long[] entitiesDone = new long[1];
    try {
      result = materializer.materialize(request, progress -> {
        entitiesDone[0] = progress.getEntitiesDone();
        observer.onNext(progress);
      });
    } catch (RuntimeException e) {
      observer.onError(StatusMapping.toStatus("MaterializeWithProgress", e));
      return;
    }
    observer.onNext(MaterializeProgress.newBuilder()
        .setRowsRead(result.getRowsRead())
        .setEntitiesDone(entitiesDone[0])
        .setEntitiesWritten(result.getEntitiesWritten())
        .setDone(true)
        .setResult(result)
        .build());
    observer.onCompleted();
  }

  @Override
  @NonBlocking
  public void getOnlineFeatures(GetOnlineFeaturesRequest request,
      StreamObserver<GetOnlineFeaturesResponse> observer) {
    try {
      onlineFeatures.read(request).whenComplete((response, failure) -> {
        if (failure != null) {
          observer.onError(StatusMapping.toStatus("GetOnlineFeatures", unwrap(failure)));
          return;
        }
        observer.onNext(response);
        observer.onCompleted();
      });
    } catch (RuntimeException e) {
      observer.onError(StatusMapping.toStatus("GetOnlineFeatures", e));
    }
  }

  @Override
  public void getTrainingSet(GetTrainingSetRequest request,
      StreamObserver<TrainingSetChunk> observer) {
    FlowControl<TrainingSetChunk> flow =
        new FlowControl<>(observer);
    try {
      trainingSets.stream(request, flow::send);
      observer.onCompleted();
    } catch (FlowControl.CancelledException e) {
      LOG.infof("training set stream cancelled by the client source=%s", request.getSource());
    } catch (RuntimeException e) {
      observer.onError(StatusMapping.toStatus("GetTrainingSet", e));
    }
  }

  @Override
  @NonBlocking
  public StreamObserver<IngestRowsChunk> ingestStream(StreamObserver<IngestAck> responses) {
    return IngestStreamCall.start(streamIngestion, responses, ingestThreads, meters);
  }

  private static RuntimeException unwrap(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
    return cause instanceof RuntimeException runtime
        ? runtime
        : new IllegalStateException(cause);
  }

  private static <T> void respond(String rpc, StreamObserver<T> observer, Supplier<T> work) {
    T response;
    try {
      response = work.get();
    } catch (RuntimeException e) {
      observer.onError(StatusMapping.toStatus(rpc, e));
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }
}
