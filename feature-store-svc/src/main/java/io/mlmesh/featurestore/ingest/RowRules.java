package io.mlmesh.featurestore.ingest;

import static io.mlmesh.featurestore.catalog.DuckDb.quoteIdentifier;
import static io.mlmesh.featurestore.catalog.DuckDb.quoteLiteral;

import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.catalog.RegisteredSource;
import io.mlmesh.featurestore.v1.ColumnExpectation;
import io.mlmesh.featurestore.v1.ColumnSchema;
import io.mlmesh.featurestore.v1.ColumnType;
import io.mlmesh.featurestore.v1.Expectations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The expectations of one ingestion as SQL over the staged input rows.
 *
 * <p>Every row rule becomes one branch of a CASE expression, in the order of the request, so
 * each failing row carries exactly one reason (its first failing rule) and counts once. Missing
 * values pass every row rule: how many may be missing is a property of the batch, checked
 * apart as a share per column. A declared type is checked with DuckDB's TRY_CAST, which gives
 * NULL instead of an error for a value that does not convert; integers are also checked to have
 * no fraction, because DuckDB rounds '1.5' to 2. Accepted rows carry the converted value, so the
 * source's column has the declared type.
 */
final class RowRules {

  /** Column of the staged rows holding the 1-based input row number. */
  static final String ROW = "__row";
  /** Column of the checked rows holding the first failing rule, NULL when none failed. */
  static final String RULE = "__rule";

  /** A row rule: its name in reports and the SQL condition under which a row fails it. */
  record Rule(String name, String failsWhen) {
  }

  /** A batch rule: the share of rows in which {@code column} may be missing. */
  record MissingLimit(String column, String field, double maxShare) {
  }

  private final List<Rule> rules;
  private final Map<String, String> acceptedValues;
  private final Map<String, ColumnType> acceptedTypes;
  private final List<MissingLimit> missingLimits;
  private final double maxFailedShare;

  private RowRules(List<Rule> rules, Map<String, String> acceptedValues,
      Map<String, ColumnType> acceptedTypes, List<MissingLimit> missingLimits,
      double maxFailedShare) {
    this.rules = rules;
    this.acceptedValues = acceptedValues;
    this.acceptedTypes = acceptedTypes;
    this.missingLimits = missingLimits;
    this.maxFailedShare = maxFailedShare;
  }

  /** Validates the expectations against the input's columns; INVALID_ARGUMENT naming the field. */
  static RowRules of(Expectations expectations, RegisteredSource input,
      double defaultMaxFailedShare) {
    checkShare("expectations.max_failed_share", expectations.getMaxFailedShare());
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, ColumnType> types = new LinkedHashMap<>();
    for (ColumnSchema column : input.dataset().getColumnsList()) {
      values.put(column.getName(), quoteIdentifier(column.getName()));
      types.put(column.getName(), column.getType());
    }
    List<Rule> rules = new ArrayList<>();
    List<MissingLimit> missingLimits = new ArrayList<>();
    for (int i = 0; i < expectations.getColumnsCount(); i++) {
      addColumnRules(expectations.getColumns(i), "expectations.columns[" + i + "]", input, values,
          types, rules, missingLimits);
    }
    if (expectations.getUniqueColumnsCount() > 0) {
      rules.add(uniqueRule(expectations.getUniqueColumnsList(), types));
    }
    double maxFailedShare = expectations.getMaxFailedShare() == 0
        ? defaultMaxFailedShare
        : expectations.getMaxFailedShare();
    return new RowRules(rules, values, types, missingLimits, maxFailedShare);
  }

  /** SQL giving each row its first failing rule's name, or NULL. */
  String firstFailingRule() {
    if (rules.isEmpty()) {
      return "CAST(NULL AS VARCHAR)";
    }
    StringBuilder sql = new StringBuilder("CASE");
    for (Rule rule : rules) {
      sql.append(" WHEN ").append(rule.failsWhen()).append(" THEN ")
          .append(quoteLiteral(rule.name()));
    }
    return sql.append(" END").toString();
  }

  /** The rule names in check order. */
  List<String> ruleNames() {
    return rules.stream().map(Rule::name).toList();
  }

  /** SQL of the accepted value of {@code column}: converted to its declared type, if any. */
  String acceptedValue(String column) {
    return acceptedValues.get(column);
  }

  /** The type {@code column} has in the accepted rows. */
  ColumnType acceptedType(String column) {
    return acceptedTypes.get(column);
  }

  List<MissingLimit> missingLimits() {
    return missingLimits;
  }

  double maxFailedShare() {
    return maxFailedShare;
  }

  private static void addColumnRules(ColumnExpectation expectation, String field,
      RegisteredSource input, Map<String, String> values, Map<String, ColumnType> types,
      List<Rule> rules, List<MissingLimit> missingLimits) {
    String column = expectation.getColumn();
    if (!types.containsKey(column)) {
      throw FeatureStoreException.invalidArgument(field + ".column '" + column
          + "' is not a column of the input; columns are " + types.keySet());
    }
    String raw = quoteIdentifier(column);
    ColumnType declared = expectation.getType();
    if (declared != ColumnType.COLUMN_TYPE_UNSPECIFIED && declared != types.get(column)) {
      if (column.equals(input.timestampColumn())) {
        throw FeatureStoreException.invalidArgument(field + ".type " + declared
            + " cannot apply to the timestamp column '" + column + "', which stays TIMESTAMP");
      }
      rules.add(new Rule("type(" + column + ")", typeFailure(raw, declared)));
      values.put(column, "TRY_CAST(" + raw + " AS " + sqlType(declared) + ")");
      types.put(column, declared);
    }
    String value = values.get(column);
    addRangeRule(expectation, field, types.get(column), value, rules);
    if (expectation.getAllowedValuesCount() > 0) {
      String allowed = String.join(", ",
          expectation.getAllowedValuesList().stream().map(v -> quoteLiteral(v)).toList());
      rules.add(new Rule("category(" + column + ")", value + " IS NOT NULL AND CAST(" + value
          + " AS VARCHAR) NOT IN (" + allowed + ")"));
    }
    if (expectation.hasMaxMissingShare()) {
      checkShare(field + ".max_missing_share", expectation.getMaxMissingShare());
      missingLimits.add(new MissingLimit(column, field + ".max_missing_share",
          expectation.getMaxMissingShare()));
    }
  }

  private static void addRangeRule(ColumnExpectation expectation, String field, ColumnType type,
      String value, List<Rule> rules) {
    if (!expectation.hasMin() && !expectation.hasMax()) {
      return;
    }
    if (type != ColumnType.COLUMN_TYPE_DOUBLE && type != ColumnType.COLUMN_TYPE_INT64) {
      throw FeatureStoreException.invalidArgument(field + " sets min or max, which apply to "
          + "numeric columns only; column '" + expectation.getColumn() + "' is " + type);
    }
    if (expectation.hasMin() && expectation.hasMax()
        && !(expectation.getMin() <= expectation.getMax())) {
      throw FeatureStoreException.invalidArgument(field + ".min " + expectation.getMin()
          + " must not be above max " + expectation.getMax());
    }
    List<String> outside = new ArrayList<>();
    if (expectation.hasMin()) {
      outside.add(value + " < " + expectation.getMin());
    }
    if (expectation.hasMax()) {
      outside.add(value + " > " + expectation.getMax());
    }
    rules.add(new Rule("range(" + expectation.getColumn() + ")",
        "(" + String.join(" OR ", outside) + ")"));
  }

  private static String typeFailure(String raw, ColumnType declared) {
    return switch (declared) {
      case COLUMN_TYPE_STRING -> "false";
      case COLUMN_TYPE_INT64 -> raw + " IS NOT NULL AND (TRY_CAST(" + raw + " AS BIGINT) IS NULL "
          + "OR TRY_CAST(" + raw + " AS DOUBLE) <> TRY_CAST(" + raw + " AS BIGINT))";
      default -> raw + " IS NOT NULL AND TRY_CAST(" + raw + " AS " + sqlType(declared)
          + ") IS NULL";
    };
  }

  /** The DuckDB type a declared column type is stored as. */
  static String sqlType(ColumnType type) {
    return switch (type) {
      case COLUMN_TYPE_DOUBLE -> "DOUBLE";
      case COLUMN_TYPE_INT64 -> "BIGINT";
      case COLUMN_TYPE_BOOL -> "BOOLEAN";
      case COLUMN_TYPE_TIMESTAMP -> "TIMESTAMP";
      default -> "VARCHAR";
    };
  }

  private static Rule uniqueRule(List<String> columns, Map<String, ColumnType> types) {
    for (String column : columns) {
      if (!types.containsKey(column)) {
        throw FeatureStoreException.invalidArgument("expectations.unique_columns '" + column
            + "' is not a column of the input; columns are " + types.keySet());
      }
    }
    String partition = String.join(", ", columns.stream().map(c -> quoteIdentifier(c)).toList());
    return new Rule("unique(" + String.join(",", columns) + ")",
        "row_number() OVER (PARTITION BY " + partition + " ORDER BY " + ROW + ") > 1");
  }

  private static void checkShare(String field, double share) {
    if (!(share >= 0 && share <= 1)) {
      throw FeatureStoreException.invalidArgument(field + " " + share
          + " must be a share between 0 and 1");
    }
  }
}
