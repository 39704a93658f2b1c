package io.mlmesh.featurestore.offline;

import com.google.protobuf.Duration;
import com.google.protobuf.util.Durations;
import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.catalog.Catalog;
import io.mlmesh.featurestore.catalog.Names;
import io.mlmesh.featurestore.catalog.RegisteredSource;
import io.mlmesh.featurestore.v1.Aggregation;
import io.mlmesh.featurestore.v1.AggregationFunction;
import io.mlmesh.featurestore.v1.FeatureViewSpec;
import java.util.HashSet;
import java.util.Set;

/** Checks a feature view spec against the catalog; every problem is INVALID_ARGUMENT. */
final class FeatureViewValidator {

  private FeatureViewValidator() {
  }

  /** Returns the spec's source, or throws naming the first bad field. */
  static RegisteredSource validate(FeatureViewSpec spec, Catalog catalog) {
    Names.check("spec.name", spec.getName());
    RegisteredSource source = catalog.findSource(spec.getSource())
        .orElseThrow(() -> FeatureStoreException.invalidArgument(
            "spec.source '" + spec.getSource() + "' is not a registered source"));
    if (source.columnType(spec.getEntityColumn()).isEmpty()) {
      throw FeatureStoreException.invalidArgument("spec.entity_column '"
          + spec.getEntityColumn() + "' is not a column of source '" + source.name() + "'");
    }
    checkAggregations(spec, source);
    checkDurations(spec);
    return source;
  }

  private static void checkAggregations(FeatureViewSpec spec, RegisteredSource source) {
    if (spec.getAggregationsCount() == 0) {
      throw FeatureStoreException.invalidArgument("spec.aggregations must not be empty");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < spec.getAggregationsCount(); i++) {
      Aggregation aggregation = spec.getAggregations(i);
      String field = "spec.aggregations[" + i + "]";
      Names.check(field + ".name", aggregation.getName());
      if (!names.add(aggregation.getName())) {
        throw FeatureStoreException.invalidArgument(field + ".name '" + aggregation.getName()
            + "' is used by an earlier aggregation: feature names must be unique");
      }
      checkFunction(field, aggregation, source);
    }
  }

  private static void checkFunction(String field, Aggregation aggregation,
      RegisteredSource source) {
    AggregationFunction function = aggregation.getFunction();
    if (function == AggregationFunction.AGGREGATION_FUNCTION_UNSPECIFIED
        || function == AggregationFunction.UNRECOGNIZED) {
      throw FeatureStoreException.invalidArgument(field + ".function is required");
    }
    if (function == AggregationFunction.AGGREGATION_FUNCTION_COUNT) {
      return;
    }
    if (!source.isNumeric(aggregation.getColumn())) {
      throw FeatureStoreException.invalidArgument(field + ".column '" + aggregation.getColumn()
          + "' is not a numeric column of source '" + source.name() + "'");
    }
    if (!Double.isFinite(aggregation.getThreshold())) {
      throw FeatureStoreException.invalidArgument(field + ".threshold must be finite");
    }
  }

  private static void checkDurations(FeatureViewSpec spec) {
    long windowMicros = positiveMicros("spec.window", spec.getWindow());
    long granularityMicros = positiveMicros("spec.granularity", spec.getGranularity());
    positiveMicros("spec.ttl", spec.getTtl());
    if (windowMicros % granularityMicros != 0) {
      throw FeatureStoreException.invalidArgument("spec.window " + Durations.toString(
          spec.getWindow()) + " must be a multiple of spec.granularity "
          + Durations.toString(spec.getGranularity()));
    }
  }

  private static long positiveMicros(String field, Duration duration) {
    if (!Durations.isValid(duration) || Durations.toMicros(duration) <= 0) {
      throw FeatureStoreException.invalidArgument(field + " must be a positive duration of at "
          + "least 1 microsecond, got " + duration.getSeconds() + "s " + duration.getNanos()
          + "ns");
    }
    return Durations.toMicros(duration);
  }
}
