package io.mlmesh.bench.featurestore;

import io.mlmesh.core.data.SharedDatasets;
import io.mlmesh.featurestore.v1.ApplyFeatureViewRequest;
import io.mlmesh.featurestore.v1.FeatureStoreGrpc;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.MaterializeRequest;
import io.mlmesh.featurestore.v1.MaterializeResponse;
import io.mlmesh.featurestore.v1.RegisterSourceRequest;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The feature store benchmark (issue 3, "Speed"): starts the packaged feature-store-svc against
 * a real Redis, loads a 50-feature view of the lending club loans, and measures over gRPC on
 * loopback the read of 1 entity and of 100 entities per call, each beside redis-benchmark
 * sending the same MGET the store sends for that call, with the same pipelining (none) from one
 * connection, and beside the service's gRPC health check (the cost of the gRPC stack alone);
 * then the flights file's way from offline to online. The reads run in rounds, each series
 * right before its redis-benchmark run, so that a ratio compares figures taken moments apart
 * on a machine whose load changes (see {@link Comparison}). Everything it wrote (the data
 * dir, the Redis keys under its own prefix) is removed when it ends.
 */
@Command(name = "feature-store-benchmark", mixinStandardHelpOptions = true,
    description = "Measures feature-store-svc's online reads and materialization.")
public final class FeatureStoreBenchmark implements Callable<Integer> {

  @Option(names = "--feature-store-jar", description = "the packaged feature-store-svc "
      + "(default: ${DEFAULT-VALUE})")
  Path featureStoreJar = Path.of("feature-store-svc/target/quarkus-app/quarkus-run.jar");

  @Option(names = "--redis-url", description = "default: ${DEFAULT-VALUE}")
  String redisUrl = "redis://127.0.0.1:6379";

  @Option(names = "--redis-benchmark", description = "default: ${DEFAULT-VALUE}")
  Path redisBenchmark = Path.of("/usr/bin/redis-benchmark");

  @Option(names = "--lending-club", description = "default: credit/lending_club.csv of the "
      + "shared data sets")
  Path lendingClub;

  @Option(names = "--flights", description = "the flights file to materialize (default: "
      + "flights/flights-3m.parquet of the shared data sets)")
  Path flights;

  @Option(names = "--warm-up-calls", description = "untimed calls before each series "
      + "(default: ${DEFAULT-VALUE})")
  int warmUpCalls = 20_000;

  @Option(names = "--calls", description = "timed 1-entity calls, and as many health checks "
      + "and redis-benchmark requests, over all rounds (default: ${DEFAULT-VALUE})")
  int calls = 50_000;

  @Option(names = "--batch-calls", description = "timed 100-entity calls, and as many "
      + "redis-benchmark requests, over all rounds (default: ${DEFAULT-VALUE})")
  int batchCalls = 5_000;

  @Option(names = "--rounds", description = "rounds of every series, each beside its own "
      + "redis-benchmark run (default: ${DEFAULT-VALUE})")
  int rounds = 5;

  @Option(names = "--batch-entities", description = "entities per batch call "
      + "(default: ${DEFAULT-VALUE})")
  int batchEntities = 100;

  public static void main(String[] args) {
    System.exit(new CommandLine(new FeatureStoreBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    System.out.print(measure().format());
    return 0;
  }

  /** Runs every measurement and returns the figures. */
  BenchmarkReport measure() throws Exception {
    if (rounds < 1 || calls < rounds || batchCalls < rounds) {
      throw new IllegalArgumentException("--rounds " + rounds + " must be at least 1 and at "
          + "most --calls " + calls + " and --batch-calls " + batchCalls);
    }
    Path lendingClubCsv = lendingClub != null
        ? lendingClub
        : SharedDatasets.file("credit/lending_club.csv");
    Path flightsFile = flights != null
        ? flights
        : SharedDatasets.file("flights/flights-3m.parquet");
    URI redis = URI.create(redisUrl);
    RedisBenchmark baseline = new RedisBenchmark(redisBenchmark, redis.getHost(),
        redis.getPort());
    double loadBefore = LoadAverage.oneMinute();

    try (FeatureStoreProcess store = FeatureStoreProcess.start(featureStoreJar, redisUrl)) {
      FeatureStoreGrpc.FeatureStoreBlockingStub stub =
          FeatureStoreGrpc.newBlockingStub(store.channel());
      LoanRows loans = loadLoans(stub, store, lendingClubCsv);
      OnlineReads reads = new OnlineReads(stub, loans.viewVersion(), loans.count(),
          ProtoTimes.utc(LendingClubView.AS_OF));

      HealthBaseline health = new HealthBaseline(store.channel());
      health.warmUp(warmUpCalls);
      reads.warmUp(1, warmUpCalls);
      reads.warmUp(batchEntities, warmUpCalls / batchEntities);
      List<String> singleMget = mget(store, loans, reads.entitiesOfOneCall(1));
      List<String> batchMget = mget(store, loans, reads.entitiesOfOneCall(batchEntities));

      Series healthChecks = Series.empty();
      Comparison single = new Comparison();
      Comparison batch = new Comparison();
      for (int round = 0; round < rounds; round++) {
        healthChecks = healthChecks.plus(health.run(calls / rounds));
        single.add(reads.run(1, calls / rounds), baseline.run(calls / rounds, singleMget));
        batch.add(reads.run(batchEntities, batchCalls / rounds),
            baseline.run(batchCalls / rounds, batchMget));
      }
      Materialization.Result flightsResult = new Materialization(stub).run(flightsFile);

      return new BenchmarkReport(Runtime.getRuntime().availableProcessors(), loadBefore,
          LoadAverage.oneMinute(), batchEntities, healthChecks, single, batch, loans,
          flightsResult);
    }
  }

  /** The loans view as loaded: its version, how many loans, how long materializing took. */
  record LoanRows(int viewVersion, int count, long entitiesWritten, double materializeSeconds) {
  }

  private static LoanRows loadLoans(FeatureStoreGrpc.FeatureStoreBlockingStub stub,
      FeatureStoreProcess store, Path lendingClubCsv) throws Exception {
    Path timed = store.scratchDir().resolve("lending_club_timed.csv");
    int count = LendingClubView.writeWithIdAndTime(lendingClubCsv, timed);
    stub.registerSource(RegisterSourceRequest.newBuilder()
        .setName(LendingClubView.SOURCE)
        .setPath(timed.toString())
        .setTimestampColumn("event_time")
        .build());
    FeatureView view = stub.applyFeatureView(ApplyFeatureViewRequest.newBuilder()
        .setSpec(LendingClubView.spec())
        .build());

    long startNanos = System.nanoTime();
    MaterializeResponse written = stub.materialize(MaterializeRequest.newBuilder()
        .setView(LendingClubView.VIEW)
        .setVersion(view.getVersion())
        .build());
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return new LoanRows(view.getVersion(), count, written.getEntitiesWritten(), seconds);
  }

  private static List<String> mget(FeatureStoreProcess store, LoanRows loans,
      List<String> entities) {
    List<String> command = new ArrayList<>(List.of("MGET"));
    for (String entity : entities) {
      command.add(OnlineReads.redisKey(store.keyPrefix(), loans.viewVersion(), entity));
    }
    return command;
  }
}
