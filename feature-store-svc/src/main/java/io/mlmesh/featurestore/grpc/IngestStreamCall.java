package io.mlmesh.featurestore.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.ingest.StreamIngestion;
import io.mlmesh.featurestore.v1.IngestAck;
import io.mlmesh.featurestore.v1.IngestRowsChunk;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * One {@code IngestStream} call: a header, then chunks of rows, each answered with its ack.
 *
 * <p>Back-pressure is gRPC's own: automatic inbound requests are disabled and the call asks the
 * transport for the next message only after the previous one was answered, so one chunk per call
 * is in work. Below that demand, Vert.x's gRPC reader decodes up to 16 messages ahead before it
 * stops reading the HTTP/2 stream; beyond those, chunks stay in the client, held by HTTP/2 flow
 * control (its {@code isReady()} turns false). Messages arrive on the transport's event loop and
 * are handled in order on the ingestion executor: each event is chained behind the previous
 * one, so {@code onCompleted} never overtakes the last chunk's write. The first failure ends the
 * call with its status; chunks acknowledged before it stay written. {@value #CHUNKS_METRIC}
 * counts chunks by outcome (written, replayed) and calls ended by a failure by its status code;
 * {@value #ROWS_METRIC} counts the rows of written chunks (accepted, quarantined,
 * without_consent).
 */
final class IngestStreamCall implements StreamObserver<IngestRowsChunk> {

  /** Chunks written or replayed, and calls failed, tagged {@code outcome}. */
  static final String CHUNKS_METRIC = "mlmesh.featurestore.stream.chunks";
  /** Rows of written chunks, tagged {@code outcome}. */
  static final String ROWS_METRIC = "mlmesh.featurestore.stream.rows";

  private static final Logger LOG = Logger.getLogger(IngestStreamCall.class);

  private final StreamIngestion streams;
  private final ServerCallStreamObserver<IngestAck> responses;
  private final Executor executor;
  private final MeterRegistry meters;
  private final Object chainLock = new Object();
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
  private StreamIngestion.Target target;
  private String source = "none";
  private boolean ended;
  private long messages;
  private long chunks;
  private long acceptedRows;
  private long quarantinedRows;

  private IngestStreamCall(StreamIngestion streams,
      ServerCallStreamObserver<IngestAck> responses, Executor executor, MeterRegistry meters) {
    this.streams = streams;
    this.responses = responses;
    this.executor = executor;
    this.meters = meters;
  }

  /** Starts the call: takes over inbound flow control and asks for the header. */
  static StreamObserver<IngestRowsChunk> start(StreamIngestion streams,
      StreamObserver<IngestAck> responses, Executor executor, MeterRegistry meters) {
    ServerCallStreamObserver<IngestAck> serverResponses =
        (ServerCallStreamObserver<IngestAck>) responses;
    serverResponses.disableAutoRequest();
    IngestStreamCall call = new IngestStreamCall(streams, serverResponses, executor, meters);
    serverResponses.setOnCancelHandler(() -> LOG.debugf("ingest stream cancelled"));
    serverResponses.request(1);
    return call;
  }

  @Override
  public void onNext(IngestRowsChunk message) {
    enqueue(() -> handle(message));
  }

  @Override
  public void onError(Throwable failure) {
    enqueue(() -> {
      if (!ended) {
        ended = true;
        LOG.infof("ingest stream ended by the client source=%s chunks=%d accepted=%d "
            + "quarantined=%d", source, chunks, acceptedRows, quarantinedRows);
      }
    });
  }

  @Override
  public void onCompleted() {
    enqueue(() -> {
      if (!ended) {
        ended = true;
        LOG.infof("ingest stream completed source=%s chunks=%d accepted=%d quarantined=%d",
            source, chunks, acceptedRows, quarantinedRows);
        responses.onCompleted();
      }
    });
  }

  private void enqueue(Runnable step) {
    synchronized (chainLock) {
      tail = tail.thenRunAsync(step, executor);
    }
  }

  private void handle(IngestRowsChunk message) {
    if (ended) {
      return;
    }
    messages++;
    try {
      switch (message.getKindCase()) {
        case HEADER -> startSource(message);
        case ROWS -> writeRows(message);
        default -> throw FeatureStoreException.invalidArgument("message " + messages
            + " sets neither header nor rows");
      }
    } catch (RuntimeException e) {
      ended = true;
      StatusRuntimeException status = StatusMapping.toStatus("IngestStream", e);
      Status.Code code = status.getStatus().getCode();
      meters.counter(CHUNKS_METRIC, "outcome", code.name().toLowerCase(Locale.ROOT)).increment();
      LOG.infof("ingest stream failed source=%s chunks=%d accepted=%d status=%s", source,
          chunks, acceptedRows, code);
      responses.onError(status);
      return;
    }
    responses.request(1);
  }

  private void startSource(IngestRowsChunk message) {
    if (target != null) {
      throw FeatureStoreException.invalidArgument("header is allowed in the first message "
          + "only; message " + messages + " repeats it");
    }
    source = message.getHeader().getSource();
    target = streams.start(message.getHeader());
    LOG.infof("ingest stream started source=%s", source);
  }

  private void writeRows(IngestRowsChunk message) {
    if (target == null) {
      throw FeatureStoreException.invalidArgument("the first message must be a header naming "
          + "the source; got rows (sequence " + message.getRows().getSequence() + ") first");
    }
    IngestAck ack = streams.append(target, message.getRows());
    chunks++;
    meters.counter(CHUNKS_METRIC, "outcome", ack.getReplayed() ? "replayed" : "written")
        .increment();
    if (!ack.getReplayed()) {
      acceptedRows += ack.getAcceptedRows();
      quarantinedRows += ack.getQuarantinedRows();
      meters.counter(ROWS_METRIC, "outcome", "accepted").increment(ack.getAcceptedRows());
      meters.counter(ROWS_METRIC, "outcome", "quarantined").increment(ack.getQuarantinedRows());
      meters.counter(ROWS_METRIC, "outcome", "without_consent")
          .increment(ack.getRowsWithoutConsent());
    }
    responses.onNext(ack);
  }
}
