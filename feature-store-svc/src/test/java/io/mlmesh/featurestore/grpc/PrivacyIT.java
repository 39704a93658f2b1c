package io.mlmesh.featurestore.grpc;

import static io.mlmesh.featurestore.GrpcTestClient.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mlmesh.featurestore.Datasets;
import io.mlmesh.featurestore.FeatureStoreTestResource;
import io.mlmesh.featurestore.GrpcTestBase;
import io.mlmesh.featurestore.LogCapture;
import io.mlmesh.featurestore.catalog.DuckDb;
import io.mlmesh.featurestore.v1.ColumnExpectation;
import io.mlmesh.featurestore.v1.ColumnPolicy;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.Expectations;
import io.mlmesh.featurestore.v1.PrivacyAction;
import io.mlmesh.featurestore.v1.RegisterSourceRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@QuarkusTest
@WithTestResource(FeatureStoreTestResource.class)
class PrivacyIT extends GrpcTestBase {

  private static final String CANARY = "CANARY7731";

  @ConfigProperty(name = "mlmesh.featurestore.pii.hmac-key")
  String hmacKey;

  @TempDir
  Path tempDir;

  @Test
  void registerSource_lendingClubPolicies_storesNoRawPersonalValue() throws Exception {
    Path lending = lendingWithCanary();
    List<Map<String, String>> raw = Datasets.readCsv(Datasets.LENDING_CLUB);

    DatasetVersion dataset = client.stub().registerSource(lendingRequest("lending", lending)
        .setExpectations(incomeAsNumber())
        .build());

    assertEquals(List.of("addr_state", "annual_inc", "emp_length", "sub_grade"),
        dataset.getIngestion().getPersonalColumnsList());
    assertEquals(raw.size() - 1, dataset.getRowCount());
    assertFalse(dataset.getColumnsList().stream().map(ColumnSchema::getName).toList()
        .contains("emp_length"));
    List<List<String>> expected = new ArrayList<>();
    for (int i = 1; i < raw.size(); i++) {
      Map<String, String> row = raw.get(i);
      expected.add(List.of(Integer.toString(i + 1), hmac(row.get("addr_state")),
          incomeLabel(Double.parseDouble(row.get("annual_inc"))),
          row.get("sub_grade").substring(0, 1)));
    }
    assertEquals(expected, Datasets.query("SELECT id, addr_state, annual_inc, sub_grade FROM "
        + parquet(dataset.getPath()) + " ORDER BY id"));
    assertEquals(List.of(Arrays.asList("1", hmac(CANARY), null, "type(annual_inc)")),
        Datasets.query("SELECT id, addr_state, annual_inc, __rule FROM "
            + parquet(dataset.getIngestion().getQuarantinePath())));
    String stored = "SELECT concat_ws('|', *COLUMNS(*)) AS line FROM ";
    assertEquals(List.of(List.of("0")), Datasets.query("SELECT count(*) FROM (" + stored
        + parquet(dataset.getPath()) + " UNION ALL " + stored
        + parquet(dataset.getIngestion().getQuarantinePath())
        + ") WHERE line LIKE '%CANARY%' OR line LIKE '%emp_ge_10%'"));
  }

  @Test
  void registerSource_personalColumnsOnBadInput_logsAndDescriptionsHoldNoRawValue() {
    Path lending = lendingWithCanary();
    List<String> descriptions = new ArrayList<>();

    try (LogCapture logs = LogCapture.start()) {
      client.stub().registerSource(lendingRequest("lending_logged", lending)
          .setExpectations(incomeAsNumber()).build());
      descriptions.add(failure(lendingRequest("lending_refused", lending)
          .setExpectations(incomeAsNumber().addColumns(ColumnExpectation.newBuilder()
                  .setColumn("addr_state").addAllowedValues("CA"))
              .setMaxFailedShare(0.01))
          .build()));
      descriptions.add(failure(lendingRequest("lending_bad", lending)
          .addPrivacy(ColumnPolicy.newBuilder().setColumn("revol_util")
              .setAction(PrivacyAction.PRIVACY_ACTION_TRUNCATE))
          .build()));

      assertEquals(2, descriptions.size());
      assertFalse(logs.texts().isEmpty());
      for (String text : concat(logs.texts(), descriptions)) {
        assertFalse(text.contains(CANARY), text);
        assertFalse(text.contains(hmacKey), text);
      }
    }
    assertEquals(List.of("FAILED_PRECONDITION", "INVALID_ARGUMENT"), descriptions.stream()
        .map(description -> description.substring(0, description.indexOf(':')))
        .toList());
  }

  @Test
  void registerSource_telcoWithConsent_dropsRowsWithoutConsentAndBucketsValues() {
    Path telco = Datasets.withIdAndTime(Datasets.TELCO, tempDir.resolve("telco.csv"), "");
    List<Map<String, String>> raw = Datasets.readCsv(Datasets.TELCO);

    DatasetVersion dataset = client.stub().registerSource(RegisterSourceRequest.newBuilder()
        .setName("telco").setPath(telco.toString()).setTimestampColumn("event_time")
        .setConsentColumn("paperless_billing")
        .addMissingValues("NA")
        .setExpectations(Expectations.newBuilder()
            .addColumns(ColumnExpectation.newBuilder().setColumn("total_charges")
                .setType(ColumnType.COLUMN_TYPE_DOUBLE).setMaxMissingShare(0.01)))
        .addPrivacy(policy("female", PrivacyAction.PRIVACY_ACTION_DROP))
        .addPrivacy(policy("senior_citizen", PrivacyAction.PRIVACY_ACTION_DROP))
        .addPrivacy(policy("tenure", PrivacyAction.PRIVACY_ACTION_BUCKET)
            .addBucketEdges(12).addBucketEdges(24).addBucketEdges(48))
        .addPrivacy(policy("monthly_charges", PrivacyAction.PRIVACY_ACTION_BUCKET)
            .addBucketEdges(30).addBucketEdges(60).addBucketEdges(90))
        .addPrivacy(policy("payment_method", PrivacyAction.PRIVACY_ACTION_TRUNCATE)
            .setKeepChars(4))
        .build());

    List<List<String>> expected = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      Map<String, String> row = raw.get(i);
      if (row.get("paperless_billing").equals("1")) {
        expected.add(List.of(Integer.toString(i + 1), tenureLabel(row.get("tenure")),
            chargesLabel(Double.parseDouble(row.get("monthly_charges"))),
            row.get("payment_method").substring(0, 4)));
      }
    }
    assertEquals(raw.size() - expected.size(),
        dataset.getIngestion().getRowsWithoutConsent());
    assertEquals(2872, dataset.getIngestion().getRowsWithoutConsent());
    assertEquals(expected.size(), dataset.getIngestion().getAcceptedRows());
    assertEquals(List.of("id", "event_time", "churn", "partner"), dataset.getColumnsList()
        .stream().map(ColumnSchema::getName).limit(4).toList());
    assertEquals(expected, Datasets.query("SELECT id, tenure, monthly_charges, payment_method "
        + "FROM " + parquet(dataset.getPath()) + " ORDER BY id"));
  }

  @Test
  void registerSource_bucketOnText_invalidArgumentNamingField() {
    Path telco = Datasets.withIdAndTime(Datasets.TELCO, tempDir.resolve("telco.csv"), "");
    RegisterSourceRequest request = RegisterSourceRequest.newBuilder()
        .setName("telco_bad").setPath(telco.toString()).setTimestampColumn("event_time")
        .addPrivacy(policy("contract", PrivacyAction.PRIVACY_ACTION_BUCKET).addBucketEdges(1))
        .build();

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.stub().registerSource(request),
        "privacy[0].action BUCKET applies to numeric columns only",
        "column 'contract' is COLUMN_TYPE_STRING");
  }

  @Test
  void registerSource_policyOnTimestampColumn_invalidArgumentNamingField() {
    Path telco = Datasets.withIdAndTime(Datasets.TELCO, tempDir.resolve("telco.csv"), "");
    RegisterSourceRequest request = RegisterSourceRequest.newBuilder()
        .setName("telco_time").setPath(telco.toString()).setTimestampColumn("event_time")
        .addPrivacy(policy("event_time", PrivacyAction.PRIVACY_ACTION_DROP))
        .build();

    assertStatus(Status.Code.INVALID_ARGUMENT, () -> client.stub().registerSource(request),
        "privacy[0].column 'event_time' is the timestamp column");
  }

  private Path lendingWithCanary() {
    return Datasets.withIdAndTime(Datasets.LENDING_CLUB, tempDir.resolve("lending.csv"),
        "CASE WHEN id = 1 THEN '" + CANARY + "' ELSE addr_state END AS addr_state, "
            + "CASE WHEN id = 1 THEN '" + CANARY + "' ELSE annual_inc END AS annual_inc");
  }

  private static Expectations.Builder incomeAsNumber() {
    return Expectations.newBuilder().addColumns(ColumnExpectation.newBuilder()
        .setColumn("annual_inc").setType(ColumnType.COLUMN_TYPE_DOUBLE));
  }

  private static RegisterSourceRequest.Builder lendingRequest(String name, Path lending) {
    return RegisterSourceRequest.newBuilder()
        .setName(name).setPath(lending.toString()).setTimestampColumn("event_time")
        .addPrivacy(policy("addr_state", PrivacyAction.PRIVACY_ACTION_KEYED_HASH))
        .addPrivacy(policy("annual_inc", PrivacyAction.PRIVACY_ACTION_BUCKET)
            .addBucketEdges(25_000).addBucketEdges(50_000).addBucketEdges(100_000))
        .addPrivacy(policy("emp_length", PrivacyAction.PRIVACY_ACTION_DROP))
        .addPrivacy(policy("sub_grade", PrivacyAction.PRIVACY_ACTION_TRUNCATE).setKeepChars(1));
  }

  private String failure(RegisterSourceRequest request) {
    StatusRuntimeException failure = assertThrows(StatusRuntimeException.class,
        () -> client.stub().registerSource(request));
    return failure.getStatus().getCode() + ": " + failure.getStatus().getDescription();
  }

  private String hmac(String value) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(hmacKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  private static ColumnPolicy.Builder policy(String column, PrivacyAction action) {
    return ColumnPolicy.newBuilder().setColumn(column).setAction(action);
  }

  private static String incomeLabel(double income) {
    return income < 25_000 ? "<25000"
        : income < 50_000 ? "[25000, 50000)"
        : income < 100_000 ? "[50000, 100000)"
        : ">=100000";
  }

  private static String chargesLabel(double charges) {
    return charges < 30 ? "<30"
        : charges < 60 ? "[30, 60)"
        : charges < 90 ? "[60, 90)"
        : ">=90";
  }

  private static String tenureLabel(String tenure) {
    int months = Integer.parseInt(tenure);
    return months < 12 ? "<12"
        : months < 24 ? "12-23"
        : months < 48 ? "24-47"
        : ">=48";
  }

  private static String parquet(String path) {
    return "read_parquet(" + DuckDb.quoteLiteral(path) + ")";
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
