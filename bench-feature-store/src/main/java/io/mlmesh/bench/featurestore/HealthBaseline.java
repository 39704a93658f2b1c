package io.mlmesh.bench.featurestore;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import org.HdrHistogram.Histogram;

/**
 * Times the gRPC health check of the same process over the same channel, called the same way as
 * the online reads: the cost of a gRPC round trip through the service's server stack with no
 * work behind it. What a read takes beyond this is the feature store's own work and Redis.
 */
final class HealthBaseline {

  private final HealthGrpc.HealthBlockingStub stub;

  HealthBaseline(ManagedChannel channel) {
    this.stub = HealthGrpc.newBlockingStub(channel);
  }

  void warmUp(int calls) {
    for (int i = 0; i < calls; i++) {
      check(stub.check(HealthCheckRequest.getDefaultInstance()));
    }
  }

  Series run(int calls) {
    HealthCheckRequest request = HealthCheckRequest.getDefaultInstance();
    Histogram nanos = Series.newHistogram();
    long startNanos = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      long callStartNanos = System.nanoTime();
      HealthCheckResponse response = stub.check(request);
      nanos.recordValue(System.nanoTime() - callStartNanos);
      check(response);
    }
    return new Series(nanos, (System.nanoTime() - startNanos) / 1e9);
  }

  private static void check(HealthCheckResponse response) {
    if (response.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
      throw new IllegalStateException("the feature store stopped serving: " + response);
    }
  }
}
