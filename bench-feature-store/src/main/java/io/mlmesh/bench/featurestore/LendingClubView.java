package io.mlmesh.bench.featurestore;

import io.mlmesh.featurestore.v1.Aggregation;
import io.mlmesh.featurestore.v1.AggregationFunction;
import io.mlmesh.featurestore.v1.FeatureViewSpec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A 50-feature view over the real lending club loans ({@code credit/lending_club.csv}), one
 * entity per loan: the wide online row that the single-entity read benchmark fetches.
 *
 * <p>The file has neither a key nor a time, which a source needs; as the feature store's tests
 * do, loan n gets the id n and the event time 2024-01-01 plus n minutes (9,857 loans: about
 * 7 days). With a one-day window and granularity each loan has exactly one feature row, at the
 * midnight after its event time, so the online store holds one packed 50-value row per loan.
 * The 50 features: the row count, the mean and the sum of each of the 16 numeric columns, and
 * 17 shares above a threshold (a loan over 20,000, a rate above 15 %, any delinquency...).
 */
final class LendingClubView {

  static final String SOURCE = "lending_club_bench";
  static final String VIEW = "loan_wide";
  static final int FEATURE_COUNT = 50;
  /** After every loan's feature row and within the TTL of all of them. */
  static final LocalDateTime AS_OF = LocalDateTime.of(2024, 1, 9, 0, 0);

  private static final LocalDateTime FIRST_EVENT = LocalDateTime.of(2024, 1, 1, 0, 0);
  private static final DateTimeFormatter EVENT_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final List<String> NUMERIC_COLUMNS = List.of("funded_amnt", "int_rate",
      "annual_inc", "delinq_2yrs", "inq_last_6mths", "revol_util", "acc_now_delinq",
      "open_il_6m", "open_il_12m", "open_il_24m", "total_bal_il", "all_util", "inq_fi",
      "inq_last_12m", "delinq_amnt", "num_il_tl");
  private static final List<Threshold> SHARES = List.of(
      new Threshold("funded_amnt", 20_000), new Threshold("int_rate", 15),
      new Threshold("annual_inc", 100_000), new Threshold("delinq_2yrs", 0),
      new Threshold("inq_last_6mths", 0), new Threshold("revol_util", 80),
      new Threshold("acc_now_delinq", 0), new Threshold("open_il_6m", 0),
      new Threshold("open_il_12m", 0), new Threshold("open_il_24m", 0),
      new Threshold("total_bal_il", 50_000), new Threshold("all_util", 80),
      new Threshold("inq_fi", 0), new Threshold("inq_last_12m", 0),
      new Threshold("delinq_amnt", 0), new Threshold("num_il_tl", 10),
      new Threshold("int_rate", 20));

  private record Threshold(String column, double value) {
  }

  private LendingClubView() {
  }

  /**
   * Writes the loans to {@code out} with two leading columns, {@code id} and
   * {@code event_time}; returns the number of loans.
   */
  static int writeWithIdAndTime(Path lendingClubCsv, Path out) throws IOException {
    List<String> lines = Files.readAllLines(lendingClubCsv);
    try (BufferedWriter writer = Files.newBufferedWriter(out)) {
      writer.write("id,event_time," + lines.get(0));
      writer.newLine();
      for (int id = 1; id < lines.size(); id++) {
        writer.write(id + "," + FIRST_EVENT.plusMinutes(id).format(EVENT_TIME) + ","
            + lines.get(id));
        writer.newLine();
      }
    }
    return lines.size() - 1;
  }

  static FeatureViewSpec spec() {
    FeatureViewSpec.Builder spec = FeatureViewSpec.newBuilder()
        .setName(VIEW)
        .setSource(SOURCE)
        .setEntityColumn("id")
        .addAggregations(aggregation("loans", AggregationFunction.AGGREGATION_FUNCTION_COUNT,
            "", 0));
    for (String column : NUMERIC_COLUMNS) {
      spec.addAggregations(aggregation("mean_" + column,
          AggregationFunction.AGGREGATION_FUNCTION_MEAN, column, 0));
      spec.addAggregations(aggregation("sum_" + column,
          AggregationFunction.AGGREGATION_FUNCTION_SUM, column, 0));
    }
    for (Threshold share : SHARES) {
      spec.addAggregations(aggregation("share_" + share.column() + "_above_"
              + (long) share.value(), AggregationFunction.AGGREGATION_FUNCTION_SHARE_ABOVE,
          share.column(), share.value()));
    }
    return spec.setWindow(ProtoTimes.days(1))
        .setGranularity(ProtoTimes.days(1))
        .setTtl(ProtoTimes.days(30))
        .setOwner("bench")
        .setDescription("Per loan: its terms and credit history, for the wide-read benchmark")
        .build();
  }

  private static Aggregation aggregation(String name, AggregationFunction function,
      String column, double threshold) {
    return Aggregation.newBuilder()
        .setName(name)
        .setFunction(function)
        .setColumn(column)
        .setThreshold(threshold)
        .build();
  }

}
