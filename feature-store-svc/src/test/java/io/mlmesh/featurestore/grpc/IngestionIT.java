package io.mlmesh.featurestore.grpc;

import static io.mlmesh.featurestore.GrpcTestClient.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.mlmesh.featurestore.Datasets;
import io.mlmesh.featurestore.FeatureStoreTestResource;
import io.mlmesh.featurestore.Flights;
import io.mlmesh.featurestore.GrpcTestBase;
import io.mlmesh.featurestore.catalog.DuckDb;
import io.mlmesh.featurestore.v1.ColumnExpectation;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.Expectations;
import io.mlmesh.featurestore.v1.IngestionReport;
import io.mlmesh.featurestore.v1.RegisterSourceRequest;
import io.mlmesh.featurestore.v1.RuleCount;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@QuarkusTest
@WithTestResource(FeatureStoreTestResource.class)
class IngestionIT extends GrpcTestBase {

  private static final List<String> HOMES =
      List.of("rent", "owner", "parents", "priv", "other", "ignore");

  @ConfigProperty(name = "mlmesh.featurestore.data-dir")
  String dataDir;

  @TempDir
  Path tempDir;

  @Test
  void registerSource_flightsWithExpectations_quarantinesEachFailingRowOnce() {
    List<String> expectedRules = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Flights.Flight flight : Flights.readCsv()) {
      boolean repeat = !seen.add(flight.origin() + "@" + flight.timeMicros());
      expectedRules.add(flight.delay() > 300 ? "range(delay)"
          : flight.distance() > 2500 ? "range(distance)"
          : repeat ? "unique(origin,date)" : null);
    }
    long failing = expectedRules.stream().filter(rule -> rule != null).count();

    DatasetVersion dataset = client.stub().registerSource(flightsWithRules("checked_flights",
        Expectations.newBuilder()
            .addColumns(ColumnExpectation.newBuilder().setColumn("delay")
                .setType(ColumnType.COLUMN_TYPE_INT64).setMax(300))
            .addColumns(ColumnExpectation.newBuilder().setColumn("distance").setMin(0)
                .setMax(2500).setMaxMissingShare(0))
            .addUniqueColumns("origin").addUniqueColumns("date")
            .build()));

    IngestionReport report = dataset.getIngestion();
    assertEquals(20_000, report.getInputRows());
    assertEquals(failing, report.getQuarantinedRows());
    assertEquals(20_000 - failing, report.getAcceptedRows());
    assertEquals(20_000 - failing, dataset.getRowCount());
    assertEquals(List.of(
            ruleCount("range(delay)", expectedRules),
            ruleCount("range(distance)", expectedRules),
            ruleCount("unique(origin,date)", expectedRules)),
        report.getQuarantinedByRuleList());
    assertTrue(dataset.getPath().startsWith(Path.of(dataDir, "sources", "checked_flights")
        .toString()), dataset.getPath());
    assertEquals(dataset.getContentSha256() + ".parquet",
        Path.of(dataset.getPath()).getFileName().toString());
    List<List<String>> quarantined = Datasets.query("SELECT __row, __rule FROM read_parquet("
        + DuckDb.quoteLiteral(report.getQuarantinePath()) + ") ORDER BY __row");
    List<List<String>> expected = new ArrayList<>();
    for (int i = 0; i < expectedRules.size(); i++) {
      if (expectedRules.get(i) != null) {
        expected.add(List.of(Integer.toString(i + 1), expectedRules.get(i)));
      }
    }
    assertEquals(expected, quarantined);
  }

  @Test
  void registerSource_ingestedSource_servesFeatureViews() {
    client.stub().registerSource(flightsWithRules("view_flights", Expectations.newBuilder()
        .addColumns(ColumnExpectation.newBuilder().setColumn("delay").setMin(-1000))
        .build()));

    assertEquals(1, apply(Flights.originView("ingested_origin", "view_flights").build())
        .getVersion());
  }

  @Test
  void registerSource_tooManyFailingRows_failedPreconditionAndNothingRegistered() {
    RegisterSourceRequest request = flightsWithRules("refused_flights", Expectations.newBuilder()
        .addColumns(ColumnExpectation.newBuilder().setColumn("delay").setMin(-30))
        .setMaxFailedShare(0.005)
        .build());

    assertStatus(Status.Code.FAILED_PRECONDITION, () -> client.stub().registerSource(request),
        "batch refused: 166 of 20000 rows (0.83%) failed expectations, above the limit 0.50%",
        "range(delay)=166");
    assertFalse(Files.exists(Path.of(dataDir, "sources", "refused_flights")));
    assertFalse(Files.exists(Path.of(dataDir, "quarantine", "refused_flights")));
    assertStatus(Status.Code.INVALID_ARGUMENT,
        () -> apply(Flights.originView("refused_view", "refused_flights").build()),
        "spec.source 'refused_flights' is not a registered source");
  }

  @Test
  void registerSource_creditIncomeAsText_quarantinesTypeAndCategoryFailures() {
    Path credit = Datasets.withIdAndTime(Datasets.CREDIT, tempDir.resolve("credit.csv"), "");
    List<Map<String, String>> rows = Datasets.readCsv(Datasets.CREDIT);
    long incomeNa = rows.stream().filter(row -> row.get("Income").equals("NA")).count();
    long homeOutside = rows.stream().filter(row -> !row.get("Income").equals("NA")
        && !HOMES.contains(row.get("Home"))).count();
    long old = rows.stream().filter(row -> !row.get("Income").equals("NA")
        && HOMES.contains(row.get("Home")) && Integer.parseInt(row.get("Age")) > 65).count();

    DatasetVersion dataset = client.stub().registerSource(RegisterSourceRequest.newBuilder()
        .setName("credit").setPath(credit.toString()).setTimestampColumn("event_time")
        .setExpectations(Expectations.newBuilder()
            .addColumns(ColumnExpectation.newBuilder().setColumn("Income")
                .setType(ColumnType.COLUMN_TYPE_DOUBLE).setMin(0))
            .addColumns(ColumnExpectation.newBuilder().setColumn("Home")
                .addAllAllowedValues(HOMES))
            .addColumns(ColumnExpectation.newBuilder().setColumn("Age").setMin(18).setMax(65))
            .addUniqueColumns("id"))
        .build());

    IngestionReport report = dataset.getIngestion();
    assertEquals(381, incomeNa);
    assertEquals(List.of(
            RuleCount.newBuilder().setRule("type(Income)").setRows(incomeNa).build(),
            RuleCount.newBuilder().setRule("category(Home)").setRows(homeOutside).build(),
            RuleCount.newBuilder().setRule("range(Age)").setRows(old).build()),
        report.getQuarantinedByRuleList());
    assertEquals(rows.size() - incomeNa - homeOutside - old, dataset.getRowCount());
    assertEquals(ColumnType.COLUMN_TYPE_DOUBLE, dataset.getColumnsList().stream()
        .filter(column -> column.getName().equals("Income")).findFirst().orElseThrow()
        .getType());
    assertEquals(List.of(List.of("NA")), Datasets.query("SELECT DISTINCT Income FROM "
        + "read_parquet(" + DuckDb.quoteLiteral(report.getQuarantinePath())
        + ") WHERE __rule = 'type(Income)'"));
  }

  @Test
  void registerSource_creditIncomeMissingAboveLimit_failedPreconditionNamingColumn() {
    Path credit = Datasets.withIdAndTime(Datasets.CREDIT, tempDir.resolve("credit.csv"), "");
    RegisterSourceRequest request = RegisterSourceRequest.newBuilder()
        .setName("credit_missing").setPath(credit.toString()).setTimestampColumn("event_time")
        .addMissingValues("NA")
        .setExpectations(Expectations.newBuilder()
            .addColumns(ColumnExpectation.newBuilder().setColumn("Income")
                .setType(ColumnType.COLUMN_TYPE_DOUBLE).setMaxMissingShare(0.05)))
        .build();

    assertStatus(Status.Code.FAILED_PRECONDITION, () -> client.stub().registerSource(request),
        "column 'Income' is missing in 381 of 4454 rows (8.55%), above "
            + "expectations.columns[0].max_missing_share 5.00%");
  }

  @Test
  void registerSource_rangeOnTextColumn_invalidArgumentNamingField() {
    RegisterSourceRequest request = flightsWithRules("bad_rules", Expectations.newBuilder()
        .addColumns(ColumnExpectation.newBuilder().setColumn("distance").setMin(0))
        .addColumns(ColumnExpectation.newBuilder().setColumn("origin").setMin(0))
        .build());

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.stub().registerSource(request),
        "expectations.columns[1] sets min or max", "column 'origin' is COLUMN_TYPE_STRING");
  }

  @Test
  void registerSource_unknownExpectationColumn_invalidArgumentNamingField() {
    RegisterSourceRequest request = flightsWithRules("bad_column", Expectations.newBuilder()
        .addColumns(ColumnExpectation.newBuilder().setColumn("gate").setMaxMissingShare(0))
        .build());

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.stub().registerSource(request),
        "expectations.columns[0].column 'gate' is not a column of the input");
  }

  @Test
  void registerSource_failedShareAboveOne_invalidArgumentNamingField() {
    RegisterSourceRequest request = flightsWithRules("bad_share", Expectations.newBuilder()
        .setMaxFailedShare(1.5)
        .build());

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.stub().registerSource(request),
        "expectations.max_failed_share 1.5 must be a share between 0 and 1");
  }

  private static RegisterSourceRequest flightsWithRules(String name, Expectations expectations) {
    return Flights.register(name, Flights.CSV).toBuilder()
        .setExpectations(expectations)
        .build();
  }

  private static RuleCount ruleCount(String rule, List<String> rules) {
    return RuleCount.newBuilder()
        .setRule(rule)
        .setRows(rules.stream().filter(rule::equals).count())
        .build();
  }
}
