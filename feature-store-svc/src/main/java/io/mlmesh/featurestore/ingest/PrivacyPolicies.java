package io.mlmesh.featurestore.ingest;

import static io.mlmesh.featurestore.catalog.DuckDb.quoteLiteral;

import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.catalog.RegisteredSource;
import io.mlmesh.featurestore.v1.ColumnPolicy;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.PrivacyAction;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The privacy policies of one ingestion, as SQL applied to every value written to the data dir.
 *
 * <p>Policies run inside the statements that write the accepted rows and the quarantine, so a
 * raw value of a personal column never lands on disk. Keyed hashes call the JVM through
 * {@link KeyedHash}'s DuckDB function, so the key never appears in SQL text; buckets compare
 * the value as a DOUBLE (TRY_CAST, so a quarantined value that is no number stays missing).
 */
final class PrivacyPolicies {

  private final Map<String, ColumnPolicy> byColumn;

  private PrivacyPolicies(Map<String, ColumnPolicy> byColumn) {
    this.byColumn = byColumn;
  }

  /**
   * Validates the policies against the input (INVALID_ARGUMENT naming the field), and asks for
   * a configured key when one hashes (FAILED_PRECONDITION otherwise).
   */
  static PrivacyPolicies of(List<ColumnPolicy> policies, RegisteredSource input, RowRules rules,
      boolean keyedHashConfigured) {
    Map<String, ColumnPolicy> byColumn = new LinkedHashMap<>();
    for (int i = 0; i < policies.size(); i++) {
      ColumnPolicy policy = policies.get(i);
      String field = "privacy[" + i + "]";
      checkColumn(policy, field, input, byColumn);
      checkAction(policy, field, rules.acceptedType(policy.getColumn()), keyedHashConfigured);
      byColumn.put(policy.getColumn(), policy);
    }
    return new PrivacyPolicies(byColumn);
  }

  /** The personal columns: those with a policy, in request order. */
  List<String> personalColumns() {
    return List.copyOf(byColumn.keySet());
  }

  /**
   * SQL of what is stored for {@code column} given its value's SQL and type; empty when the
   * column is dropped.
   */
  Optional<String> stored(String column, String value, ColumnType type) {
    ColumnPolicy policy = byColumn.get(column);
    if (policy == null) {
      return Optional.of(value);
    }
    return switch (policy.getAction()) {
      case PRIVACY_ACTION_DROP -> Optional.empty();
      case PRIVACY_ACTION_KEYED_HASH -> Optional.of(KeyedHash.FUNCTION + "(CAST(" + value
          + " AS VARCHAR))");
      case PRIVACY_ACTION_TRUNCATE -> Optional.of("left(CAST(" + value + " AS VARCHAR), "
          + policy.getKeepChars() + ")");
      case PRIVACY_ACTION_BUCKET -> Optional.of(bucketLabel(value, policy.getBucketEdgesList(),
          type == ColumnType.COLUMN_TYPE_INT64));
      default -> throw new IllegalArgumentException("unvalidated action " + policy.getAction());
    };
  }

  /** The type stored for {@code column} of type {@code type}; empty when it is dropped. */
  Optional<ColumnType> storedType(String column, ColumnType type) {
    ColumnPolicy policy = byColumn.get(column);
    if (policy == null) {
      return Optional.of(type);
    }
    return policy.getAction() == PrivacyAction.PRIVACY_ACTION_DROP
        ? Optional.empty()
        : Optional.of(ColumnType.COLUMN_TYPE_STRING);
  }

  private static void checkColumn(ColumnPolicy policy, String field, RegisteredSource input,
      Map<String, ColumnPolicy> seen) {
    String column = policy.getColumn();
    if (input.columnType(column).isEmpty()) {
      throw FeatureStoreException.invalidArgument(field + ".column '" + column
          + "' is not a column of the input");
    }
    if (column.equals(input.timestampColumn())) {
      throw FeatureStoreException.invalidArgument(field + ".column '" + column
          + "' is the timestamp column, which cannot have a privacy policy");
    }
    if (seen.containsKey(column)) {
      throw FeatureStoreException.invalidArgument(field + ".column '" + column
          + "' already has a policy; give one per column");
    }
  }

  private static void checkAction(ColumnPolicy policy, String field, ColumnType type,
      boolean keyedHashConfigured) {
    switch (policy.getAction()) {
      case PRIVACY_ACTION_DROP -> {
      }
      case PRIVACY_ACTION_KEYED_HASH -> {
        if (!keyedHashConfigured) {
          throw FeatureStoreException.failedPrecondition(field + ".action KEYED_HASH needs "
              + "the key mlmesh.featurestore.pii.hmac-key, which is not configured");
        }
      }
      case PRIVACY_ACTION_TRUNCATE -> {
        if (policy.getKeepChars() < 1) {
          throw FeatureStoreException.invalidArgument(field + ".keep_chars "
              + policy.getKeepChars() + " must be at least 1 for TRUNCATE");
        }
      }
      case PRIVACY_ACTION_BUCKET -> checkBucket(policy, field, type);
      default -> throw FeatureStoreException.invalidArgument(field + ".action is required: "
          + "DROP, KEYED_HASH, TRUNCATE or BUCKET");
    }
  }

  private static void checkBucket(ColumnPolicy policy, String field, ColumnType type) {
    if (type != ColumnType.COLUMN_TYPE_DOUBLE && type != ColumnType.COLUMN_TYPE_INT64) {
      throw FeatureStoreException.invalidArgument(field + ".action BUCKET applies to numeric "
          + "columns only; column '" + policy.getColumn() + "' is " + type);
    }
    List<Double> edges = policy.getBucketEdgesList();
    if (edges.isEmpty()) {
      throw FeatureStoreException.invalidArgument(field + ".bucket_edges must hold at least "
          + "one edge for BUCKET");
    }
    for (int i = 0; i < edges.size(); i++) {
      boolean ascending = i == 0 || edges.get(i) > edges.get(i - 1);
      if (!Double.isFinite(edges.get(i)) || !ascending) {
        throw FeatureStoreException.invalidArgument(field + ".bucket_edges must be finite and "
            + "strictly ascending; edge " + i + " is " + edges.get(i));
      }
    }
  }

  private static String bucketLabel(String value, List<Double> edges, boolean integerColumn) {
    boolean integerLabels = integerColumn
        && edges.stream().allMatch(edge -> edge == Math.rint(edge));
    String number = "TRY_CAST(" + value + " AS DOUBLE)";
    StringBuilder sql = new StringBuilder("CASE WHEN " + number + " IS NULL THEN NULL");
    sql.append(" WHEN ").append(number).append(" < ").append(edges.get(0))
        .append(" THEN ").append(quoteLiteral("<" + text(edges.get(0))));
    for (int i = 1; i < edges.size(); i++) {
      double low = edges.get(i - 1);
      double high = edges.get(i);
      String label = integerLabels
          ? text(low) + "-" + text(high - 1)
          : "[" + text(low) + ", " + text(high) + ")";
      sql.append(" WHEN ").append(number).append(" < ").append(high)
          .append(" THEN ").append(quoteLiteral(label));
    }
    double last = edges.get(edges.size() - 1);
    return sql.append(" ELSE ").append(quoteLiteral(">=" + text(last))).append(" END")
        .toString();
  }

  private static String text(double number) {
    return BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
  }
}
