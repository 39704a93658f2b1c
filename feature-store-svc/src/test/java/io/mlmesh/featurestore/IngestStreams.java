package io.mlmesh.featurestore;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.ColumnValues;
import io.mlmesh.featurestore.v1.IngestAck;
import io.mlmesh.featurestore.v1.IngestRowsChunk;
import io.mlmesh.featurestore.v1.IngestStreamHeader;
import io.mlmesh.featurestore.v1.RowBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Flights rows as IngestStream messages, and a client side of the call that records acks. */
public final class IngestStreams {

  private IngestStreams() {
  }

  /** The client's view of one finished call: the acks in arrival order and the final status. */
  public record Outcome(List<IngestAck> acks, Status status, int notReadyWaits, int maxInFlight) {
  }

  /** A header creating (or re-opening) a flights source with the CSV's five columns. */
  public static IngestStreamHeader.Builder flightsHeader(String source) {
    return IngestStreamHeader.newBuilder()
        .setSource(source)
        .setTimestampColumn("date")
        .addColumns(column("date", ColumnType.COLUMN_TYPE_TIMESTAMP))
        .addColumns(column("delay", ColumnType.COLUMN_TYPE_INT64))
        .addColumns(column("distance", ColumnType.COLUMN_TYPE_INT64))
        .addColumns(column("origin", ColumnType.COLUMN_TYPE_STRING))
        .addColumns(column("destination", ColumnType.COLUMN_TYPE_STRING));
  }

  /** A message carrying {@code flights} as one chunk numbered {@code sequence}. */
  public static IngestRowsChunk flightsChunk(long sequence, List<Flights.Flight> flights) {
    ColumnValues.Builder date = ColumnValues.newBuilder().setName("date");
    ColumnValues.Builder delay = ColumnValues.newBuilder().setName("delay");
    ColumnValues.Builder distance = ColumnValues.newBuilder().setName("distance");
    ColumnValues.Builder origin = ColumnValues.newBuilder().setName("origin");
    ColumnValues.Builder destination = ColumnValues.newBuilder().setName("destination");
    for (Flights.Flight flight : flights) {
      date.addTimestampsMicros(flight.timeMicros());
      delay.addInt64S(flight.delay());
      distance.addInt64S(flight.distance());
      origin.addStrings(flight.origin());
      destination.addStrings(flight.destination());
    }
    return rows(RowBatch.newBuilder().setSequence(sequence).setRowCount(flights.size())
        .addColumns(date).addColumns(delay).addColumns(distance).addColumns(origin)
        .addColumns(destination).build());
  }

  /** {@code flights} cut into chunks of {@code chunkRows}, numbered from 1. */
  public static List<IngestRowsChunk> flightsChunks(List<Flights.Flight> flights,
      int chunkRows) {
    List<IngestRowsChunk> chunks = new ArrayList<>();
    for (int start = 0; start < flights.size(); start += chunkRows) {
      List<Flights.Flight> slice = flights.subList(start,
          Math.min(flights.size(), start + chunkRows));
      chunks.add(flightsChunk(chunks.size() + 1, slice));
    }
    return chunks;
  }

  public static IngestRowsChunk header(IngestStreamHeader.Builder header) {
    return IngestRowsChunk.newBuilder().setHeader(header).build();
  }

  public static IngestRowsChunk rows(RowBatch rows) {
    return IngestRowsChunk.newBuilder().setRows(rows).build();
  }

  public static ColumnSchema column(String name, ColumnType type) {
    return ColumnSchema.newBuilder().setName(name).setType(type).build();
  }

  /**
   * Runs one call: sends every message, waiting while the call is not ready (counted in
   * {@code notReadyWaits}), then half-closes and waits for the end. {@code maxInFlight} is the
   * most chunks sent and not yet acknowledged at any send.
   */
  public static Outcome call(GrpcTestClient client, List<IngestRowsChunk> messages)
      throws Exception {
    Recorder recorder = new Recorder();
    client.asyncStub().ingestStream(recorder);
    int sentChunks = 0;
    int notReadyWaits = 0;
    int maxInFlight = 0;
    for (IngestRowsChunk message : messages) {
      notReadyWaits += recorder.awaitReady() ? 1 : 0;
      if (recorder.end.isDone()) {
        break;
      }
      recorder.requests.onNext(message);
      sentChunks += message.hasRows() ? 1 : 0;
      maxInFlight = Math.max(maxInFlight, sentChunks - recorder.ackCount());
    }
    if (!recorder.end.isDone()) {
      recorder.requests.onCompleted();
    }
    Status status = recorder.end.get(120, TimeUnit.SECONDS);
    return new Outcome(recorder.acks(), status, notReadyWaits, maxInFlight);
  }

  private static final class Recorder
      implements ClientResponseObserver<IngestRowsChunk, IngestAck> {

    private final List<IngestAck> acks = new ArrayList<>();
    private final CompletableFuture<Status> end = new CompletableFuture<>();
    private final Object readiness = new Object();
    private ClientCallStreamObserver<IngestRowsChunk> requests;

    @Override
    public void beforeStart(ClientCallStreamObserver<IngestRowsChunk> requestStream) {
      requests = requestStream;
      requestStream.setOnReadyHandler(this::wake);
    }

    @Override
    public void onNext(IngestAck ack) {
      synchronized (acks) {
        acks.add(ack);
      }
      wake();
    }

    @Override
    public void onError(Throwable failure) {
      end.complete(Status.fromThrowable(failure));
      wake();
    }

    @Override
    public void onCompleted() {
      end.complete(Status.OK);
      wake();
    }

    /** Waits until the call is ready or ended; true when it had to wait. */
    boolean awaitReady() throws InterruptedException {
      boolean waited = false;
      synchronized (readiness) {
        while (!requests.isReady() && !end.isDone()) {
          waited = true;
          readiness.wait(50);
        }
      }
      return waited;
    }

    int ackCount() {
      synchronized (acks) {
        return acks.size();
      }
    }

    List<IngestAck> acks() {
      synchronized (acks) {
        return List.copyOf(acks);
      }
    }

    private void wake() {
      synchronized (readiness) {
        readiness.notifyAll();
      }
    }
  }
}
