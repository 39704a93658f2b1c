package io.mlmesh.registry.store;

import java.util.List;
import java.util.Map;

/**
 * Conditions on versions' tags and metrics; a version matches when all hold.
 *
 * @param model only versions of this model; empty: every model
 * @param tags tags that must be present with exactly these values
 * @param metrics conditions on metrics
 * @param limit most versions returned, >= 1
 */
public record VersionQuery(String model, Map<String, String> tags,
    List<MetricCondition> metrics, int limit) {

  /** How a metric is compared with a value. */
  public enum Comparison {
    GREATER_THAN,
    GREATER_OR_EQUAL,
    LESS_THAN,
    LESS_OR_EQUAL,
    EQUAL;

    boolean holds(double metric, double value) {
      int order = Double.compare(metric, value);
      return switch (this) {
        case GREATER_THAN -> order > 0;
        case GREATER_OR_EQUAL -> order >= 0;
        case LESS_THAN -> order < 0;
        case LESS_OR_EQUAL -> order <= 0;
        case EQUAL -> order == 0;
      };
    }
  }

  /** {@code metric comparison value}; a version without the metric does not match. */
  public record MetricCondition(String metric, Comparison comparison, double value) {}

  /** True when {@code metadata} satisfies every condition. */
  public boolean matches(VersionMetadata metadata) {
    boolean tagsMatch = tags.entrySet().stream()
        .allMatch(tag -> tag.getValue().equals(metadata.tags().get(tag.getKey())));
    return tagsMatch && metrics.stream().allMatch(condition -> {
      Double metric = metadata.metrics().get(condition.metric());
      return metric != null && condition.comparison().holds(metric, condition.value());
    });
  }
}
