package io.mlmesh.inference.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.mlmesh.inference.batching.QueuedRequest;
import io.mlmesh.oip.ModelInferRequest;
import io.mlmesh.oip.ModelInferResponse;
import io.mlmesh.oip.ModelStreamInferResponse;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One ModelStreamInfer stream: every request goes through the same validation and batch queues
 * as ModelInfer, and is answered on the stream in the order it arrived, with either its
 * response or, for a request that failed, an {@code error_message} of the form
 * {@code CODE: description}. A failed request never ends the stream.
 *
 * <h2>Flow control</h2>
 * Automatic inbound flow control is off: the session asks the transport for
 * {@code maxInFlight} requests at the start and for one more each time it writes an answer. So
 * at most {@code maxInFlight} requests are received and not yet answered, whatever the client
 * sends; a client that reads answers slowly makes the transport not ready, answers wait here
 * (at most {@code maxInFlight} of them) until it is ready again, and no further request is read
 * meanwhile. Back pressure thus reaches the client through HTTP/2 flow control instead of
 * growing memory.
 *
 * <h2>Threads</h2>
 * Requests arrive one at a time (on a gRPC callback thread, or a Quarkus worker thread under
 * {@code @Blocking}); answers complete on batch dispatcher threads. Writes to the stream
 * happen under one lock, in request order, from whichever thread completed the head of the
 * line or from the transport's on-ready callback.
 */
final class StreamInferSession implements StreamObserver<ModelInferRequest> {

    /** One request on the stream: its answer, and its queued rows while they wait. */
    private record Pending(CompletableFuture<ModelStreamInferResponse> answer,
            QueuedRequest queued) {
    }

    private final ServerCallStreamObserver<ModelStreamInferResponse> call;
    private final Function<ModelInferRequest, Scoring<ModelInferResponse>> submit;
    private final Object lock = new Object();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private boolean halfClosed;
    private boolean finished;

    private StreamInferSession(ServerCallStreamObserver<ModelStreamInferResponse> call,
            Function<ModelInferRequest, Scoring<ModelInferResponse>> submit) {
        this.call = call;
        this.submit = submit;
    }

    /**
     * Starts a session on a server stream.
     *
     * @param submit validates a request and queues its rows, as ModelInfer does
     * @param maxInFlight the most requests received and not yet answered
     */
    static StreamObserver<ModelInferRequest> open(
            StreamObserver<ModelStreamInferResponse> observer,
            Function<ModelInferRequest, Scoring<ModelInferResponse>> submit, int maxInFlight) {
        ServerCallStreamObserver<ModelStreamInferResponse> call =
                (ServerCallStreamObserver<ModelStreamInferResponse>) observer;
        StreamInferSession session = new StreamInferSession(call, submit);
        call.disableAutoRequest();
        call.setOnReadyHandler(session::flush);
        call.setOnCancelHandler(session::cancelAll);
        call.request(maxInFlight);
        return session;
    }

    @Override
    public void onNext(ModelInferRequest request) {
        Pending slot = admit(request);
        synchronized (lock) {
            if (finished) {
                cancel(slot);
                return;
            }
            pending.addLast(slot);
        }
        slot.answer().whenComplete((answer, failure) -> flush());
    }

    @Override
    public void onError(Throwable failure) {
        cancelAll();
    }

    @Override
    public void onCompleted() {
        synchronized (lock) {
            halfClosed = true;
        }
        flush();
    }

    /** Validates and queues a request; a refusal becomes its answer at once. */
    private Pending admit(ModelInferRequest request) {
        Scoring<ModelInferResponse> scoring;
        try {
            scoring = submit.apply(request);
        } catch (RuntimeException e) {
            return new Pending(CompletableFuture.completedFuture(failed(request, e)), null);
        }

        CompletableFuture<ModelStreamInferResponse> answer = scoring.queued().scores()
                .handle((scores, failure) -> answerOf(request, scoring, scores, failure))
                .toCompletableFuture();
        return new Pending(answer, scoring.queued());
    }

    private static ModelStreamInferResponse answerOf(ModelInferRequest request,
            Scoring<ModelInferResponse> scoring, float[] scores, Throwable failure) {
        try {
            if (failure != null) {
                throw StatusMapper.unwrap(failure);
            }
            return ModelStreamInferResponse.newBuilder()
                    .setInferResponse(scoring.answer().apply(scores))
                    .build();
        } catch (RuntimeException e) {
            return failed(request, e);
        }
    }

    /** The answer to a failed request: its status as text, and its id to match it by. */
    private static ModelStreamInferResponse failed(ModelInferRequest request,
            RuntimeException failure) {
        StatusRuntimeException status = StatusMapper.toStatus(failure);
        return ModelStreamInferResponse.newBuilder()
                .setErrorMessage(status.getStatus().getCode() + ": "
                        + status.getStatus().getDescription())
                .setInferResponse(ModelInferResponse.newBuilder()
                        .setModelName(request.getModelName())
                        .setModelVersion(request.getModelVersion())
                        .setId(request.getId()))
                .build();
    }

    /** Writes the answers at the head of the line while the transport takes them. */
    private void flush() {
        synchronized (lock) {
            while (!finished && !pending.isEmpty() && pending.peekFirst().answer().isDone()
                    && call.isReady()) {
                call.onNext(pending.pollFirst().answer().join());
                call.request(1);
            }
            if (halfClosed && pending.isEmpty() && !finished) {
                finished = true;
                call.onCompleted();
            }
        }
    }

    /** The client cancelled or failed the stream: queued rows leave their queues unscored. */
    private void cancelAll() {
        synchronized (lock) {
            finished = true;
            pending.forEach(StreamInferSession::cancel);
            pending.clear();
        }
    }

    private static void cancel(Pending slot) {
        if (slot.queued() != null) {
            slot.queued().cancel();
        }
    }
}
