package io.mlmesh.inference.grpc;

import io.mlmesh.inference.batching.QueuedRequest;
import java.util.function.Function;

/**
 * A request whose rows wait in a batch queue, and how its scores become the answer.
 *
 * @param queued the rows in the model version's queue
 * @param answer builds the response from the request's scores; runs on the thread that
 *     completes them, so it only encodes
 */
record Scoring<T>(QueuedRequest queued, Function<float[], T> answer) {
}
