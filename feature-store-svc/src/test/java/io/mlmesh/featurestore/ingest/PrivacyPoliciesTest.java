package io.mlmesh.featurestore.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.catalog.RegisteredSource;
import io.mlmesh.featurestore.v1.ColumnPolicy;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.DatasetVersion;
import io.mlmesh.featurestore.v1.Expectations;
import io.mlmesh.featurestore.v1.PrivacyAction;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrivacyPoliciesTest {

  private static final RegisteredSource SOURCE = new RegisteredSource(DatasetVersion.newBuilder()
      .setName("people")
      .addColumns(column("when", ColumnType.COLUMN_TYPE_TIMESTAMP))
      .addColumns(column("state", ColumnType.COLUMN_TYPE_STRING))
      .addColumns(column("age", ColumnType.COLUMN_TYPE_INT64))
      .build(), "when", "(SELECT 1)");

  @Test
  void of_keyedHashWithoutKey_failedPreconditionNamingConfigKey() {
    FeatureStoreException failure = assertThrows(FeatureStoreException.class,
        () -> policies(false, policy("state", PrivacyAction.PRIVACY_ACTION_KEYED_HASH)));

    assertEquals(FeatureStoreException.Reason.FAILED_PRECONDITION, failure.reason());
    assertEquals("privacy[0].action KEYED_HASH needs the key mlmesh.featurestore.pii.hmac-key, "
        + "which is not configured", failure.getMessage());
  }

  @Test
  void of_edgesNotAscending_invalidArgumentNamingEdge() {
    FeatureStoreException failure = assertThrows(FeatureStoreException.class,
        () -> policies(true, policy("age", PrivacyAction.PRIVACY_ACTION_BUCKET)
            .addBucketEdges(30).addBucketEdges(30)));

    assertEquals(FeatureStoreException.Reason.INVALID_ARGUMENT, failure.reason());
    assertEquals("privacy[0].bucket_edges must be finite and strictly ascending; edge 1 is 30.0",
        failure.getMessage());
  }

  @Test
  void of_twoPoliciesForOneColumn_invalidArgument() {
    FeatureStoreException failure = assertThrows(FeatureStoreException.class,
        () -> policies(true, policy("state", PrivacyAction.PRIVACY_ACTION_DROP),
            policy("state", PrivacyAction.PRIVACY_ACTION_DROP)));

    assertEquals("privacy[1].column 'state' already has a policy; give one per column",
        failure.getMessage());
  }

  @Test
  void stored_integerBuckets_labelsRangesInclusive() {
    PrivacyPolicies policies = policies(true, policy("age", PrivacyAction.PRIVACY_ACTION_BUCKET)
        .addBucketEdges(30).addBucketEdges(40));

    assertEquals("CASE WHEN TRY_CAST(v AS DOUBLE) IS NULL THEN NULL WHEN TRY_CAST(v AS DOUBLE) "
            + "< 30.0 THEN '<30' WHEN TRY_CAST(v AS DOUBLE) < 40.0 THEN '30-39' ELSE '>=40' END",
        policies.stored("age", "v", ColumnType.COLUMN_TYPE_INT64).orElseThrow());
  }

  private static PrivacyPolicies policies(boolean keyConfigured, ColumnPolicy.Builder... list) {
    RowRules rules = RowRules.of(Expectations.getDefaultInstance(), SOURCE, 0.1);
    return PrivacyPolicies.of(List.of(list).stream().map(ColumnPolicy.Builder::build).toList(),
        SOURCE, rules, keyConfigured);
  }

  private static ColumnPolicy.Builder policy(String column, PrivacyAction action) {
    return ColumnPolicy.newBuilder().setColumn(column).setAction(action);
  }

  private static ColumnSchema column(String name, ColumnType type) {
    return ColumnSchema.newBuilder().setName(name).setType(type).build();
  }
}
