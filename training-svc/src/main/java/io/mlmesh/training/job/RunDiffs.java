package io.mlmesh.training.job;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.MetricDiff;
import io.mlmesh.training.v1.RunDiff;
import io.mlmesh.training.v1.ValueDiff;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What differs between two runs: parameters, final metrics, tags, and the rest of the recorded
 * spec field by field.
 *
 * <p>Design: the spec is flattened through protobuf reflection into path/value pairs of its set
 * fields (nested fields joined by '.', list items by their index, map entries by their key),
 * so that every field the contract has now or gets later takes part without a line here.
 * Parameters and tags are left out of the configuration because they have lists of their own.
 */
public final class RunDiffs {

    private static final Set<String> OWN_LISTS = Set.of("params", "tags");

    private RunDiffs() {
    }

    /** Everything that differs between {@code a} and {@code b}, each list in name order. */
    public static RunDiff diff(Job a, Job b) {
        return RunDiff.newBuilder()
                .setRunA(a.getId())
                .setRunB(b.getId())
                .addAllParams(valueDiffs(a.getSpec().getParamsMap(), b.getSpec().getParamsMap()))
                .addAllMetrics(metricDiffs(a.getMetricsMap(), b.getMetricsMap()))
                .addAllTags(valueDiffs(a.getTagsMap(), b.getTagsMap()))
                .addAllConfig(valueDiffs(flatten(a.getSpec()), flatten(b.getSpec())))
                .build();
    }

    /** The spec as path/value pairs, params and tags left out. */
    static Map<String, String> flatten(JobSpec spec) {
        Map<String, String> flat = new TreeMap<>();
        spec.getAllFields().forEach((field, value) -> {
            if (!OWN_LISTS.contains(field.getName())) {
                flattenInto(field.getName(), field, value, flat);
            }
        });
        return flat;
    }

    private static void flattenInto(String path, FieldDescriptor field, Object value,
            Map<String, String> flat) {
        if (field.isMapField()) {
            for (Object entry : (List<?>) value) {
                Message pair = (Message) entry;
                Descriptor pairType = pair.getDescriptorForType();
                flat.put(path + "." + pair.getField(pairType.findFieldByName("key")),
                        String.valueOf(pair.getField(pairType.findFieldByName("value"))));
            }
        } else if (field.isRepeated()) {
            List<?> items = (List<?>) value;
            for (int i = 0; i < items.size(); i++) {
                flattenValue(path + "[" + i + "]", items.get(i), flat);
            }
        } else {
            flattenValue(path, value, flat);
        }
    }

    private static void flattenValue(String path, Object value, Map<String, String> flat) {
        if (value instanceof Timestamp time) {
            flat.put(path, Timestamps.toString(time));
        } else if (value instanceof Message message) {
            message.getAllFields().forEach((field, fieldValue) -> flattenInto(
                    path + "." + field.getName(), field, fieldValue, flat));
        } else if (value instanceof EnumValueDescriptor enumValue) {
            flat.put(path, enumValue.getName());
        } else {
            flat.put(path, String.valueOf(value));
        }
    }

    private static List<ValueDiff> valueDiffs(Map<String, String> a, Map<String, String> b) {
        Set<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        return names.stream()
                .filter(name -> !a.getOrDefault(name, "").equals(b.getOrDefault(name, "")))
                .map(name -> ValueDiff.newBuilder().setName(name)
                        .setA(a.getOrDefault(name, "")).setB(b.getOrDefault(name, "")).build())
                .toList();
    }

    private static List<MetricDiff> metricDiffs(Map<String, Double> a, Map<String, Double> b) {
        Set<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        return names.stream()
                .filter(name -> !a.getOrDefault(name, Double.NaN)
                        .equals(b.getOrDefault(name, Double.NaN)))
                .map(name -> {
                    double valueA = a.getOrDefault(name, Double.NaN);
                    double valueB = b.getOrDefault(name, Double.NaN);
                    return MetricDiff.newBuilder().setName(name).setA(valueA).setB(valueB)
                            .setDelta(valueB - valueA).build();
                })
                .toList();
    }
}
