package io.mlmesh.bench.featurestore;

import io.mlmesh.featurestore.v1.Aggregation;
import io.mlmesh.featurestore.v1.AggregationFunction;
import io.mlmesh.featurestore.v1.ApplyFeatureViewRequest;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.FeatureStoreGrpc;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.FeatureViewSpec;
import io.mlmesh.featurestore.v1.MaterializeRequest;
import io.mlmesh.featurestore.v1.MaterializeResponse;
import io.mlmesh.featurestore.v1.RegisterSourceRequest;
import java.nio.file.Path;

/**
 * Times the flights file's way from offline to online with the demo's {@code origin_7d} view
 * (per origin airport and day: flights, late share and mean delay over the 7 days before):
 * registering the file, applying the view (DuckDB computes every feature row from the source
 * rows), and materializing all feature rows, then the same materialization again, which must
 * write nothing (idempotence).
 */
final class Materialization {

  static final String SOURCE = "flights_bench";
  static final String VIEW = "origin_7d";

  private final FeatureStoreGrpc.FeatureStoreBlockingStub stub;

  Materialization(FeatureStoreGrpc.FeatureStoreBlockingStub stub) {
    this.stub = stub;
  }

  /** The times and counts of one run. */
  record Result(long sourceRows, double registerSeconds, double applySeconds,
      long featureRows, long entitiesWritten, double materializeSeconds,
      long entitiesWrittenAgain, double materializeAgainSeconds) {

    /** Source rows per second from the registered file to the online store. */
    double sourceRowsPerSecond() {
      return sourceRows / (applySeconds + materializeSeconds);
    }

    /** Feature rows read from the offline store per second of materialization. */
    double featureRowsPerSecond() {
      return featureRows / materializeSeconds;
    }
  }

  Result run(Path flights) {
    long startNanos = System.nanoTime();
    DatasetVersion source = stub.registerSource(RegisterSourceRequest.newBuilder()
        .setName(SOURCE)
        .setPath(flights.toAbsolutePath().toString())
        .setTimestampColumn("date")
        .build());
    double registerSeconds = secondsSince(startNanos);

    startNanos = System.nanoTime();
    FeatureView view = stub.applyFeatureView(ApplyFeatureViewRequest.newBuilder()
        .setSpec(spec())
        .build());
    double applySeconds = secondsSince(startNanos);

    MaterializeRequest everything = MaterializeRequest.newBuilder()
        .setView(VIEW)
        .setVersion(view.getVersion())
        .build();
    startNanos = System.nanoTime();
    MaterializeResponse first = stub.materialize(everything);
    double materializeSeconds = secondsSince(startNanos);
    startNanos = System.nanoTime();
    MaterializeResponse again = stub.materialize(everything);
    double againSeconds = secondsSince(startNanos);

    return new Result(source.getRowCount(), registerSeconds, applySeconds,
        first.getRowsRead(), first.getEntitiesWritten(), materializeSeconds,
        again.getEntitiesWritten(), againSeconds);
  }

  private static FeatureViewSpec spec() {
    return FeatureViewSpec.newBuilder()
        .setName(VIEW)
        .setSource(SOURCE)
        .setEntityColumn("origin")
        .addAggregations(Aggregation.newBuilder().setName("flights_7d")
            .setFunction(AggregationFunction.AGGREGATION_FUNCTION_COUNT))
        .addAggregations(Aggregation.newBuilder().setName("late_share_7d")
            .setFunction(AggregationFunction.AGGREGATION_FUNCTION_SHARE_ABOVE)
            .setColumn("delay").setThreshold(15))
        .addAggregations(Aggregation.newBuilder().setName("mean_delay_7d")
            .setFunction(AggregationFunction.AGGREGATION_FUNCTION_MEAN)
            .setColumn("delay"))
        .setWindow(ProtoTimes.days(7))
        .setGranularity(ProtoTimes.days(1))
        .setTtl(ProtoTimes.days(2))
        .setOwner("bench")
        .setDescription("The demo's view: per origin airport, over the 7 days before each day")
        .build();
  }


  private static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
