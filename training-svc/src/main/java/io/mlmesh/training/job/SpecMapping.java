package io.mlmesh.training.job;

import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.TransformKind;
import io.mlmesh.training.data.LabelRule;
import io.mlmesh.training.v1.JobSpec;
import java.util.List;

/** Turns the contract's spec parts into the core library's and the data package's types. */
public final class SpecMapping {

    private SpecMapping() {
    }

    /** The spec's transforms as the core vectorizer takes them, in spec order. */
    public static List<FeatureTransform> transforms(JobSpec spec) {
        return spec.getTransformsList().stream().map(SpecMapping::transform).toList();
    }

    /** The spec's evaluation slices, in spec order. */
    public static List<FeatureTransform> slices(JobSpec spec) {
        return spec.getEvaluation().getSlicesList().stream().map(SpecMapping::transform)
                .toList();
    }

    /** One transform of the contract as the core takes it, size parameters included. */
    public static FeatureTransform transform(io.mlmesh.training.v1.FeatureTransform transform) {
        return new FeatureTransform(transform.getName(), kindOf(transform.getKind()),
                transform.getColumn(), transform.getBuckets(), transform.getMaxVocabularySize());
    }

    public static LabelRule label(JobSpec spec) {
        return new LabelRule(spec.getLabel().getColumn(), spec.getLabel().getThreshold());
    }

    private static TransformKind kindOf(io.mlmesh.training.v1.TransformKind kind) {
        return switch (kind) {
            case TRANSFORM_KIND_NUMERIC -> TransformKind.NUMERIC;
            case TRANSFORM_KIND_HOUR_OF_DAY -> TransformKind.HOUR_OF_DAY;
            case TRANSFORM_KIND_DAY_OF_WEEK -> TransformKind.DAY_OF_WEEK;
            case TRANSFORM_KIND_MONTH -> TransformKind.MONTH;
            case TRANSFORM_KIND_CATEGORY_INDEX -> TransformKind.CATEGORY_INDEX;
            case TRANSFORM_KIND_STANDARDIZE -> TransformKind.STANDARDIZE;
            case TRANSFORM_KIND_MIN_MAX -> TransformKind.MIN_MAX;
            case TRANSFORM_KIND_LOG -> TransformKind.LOG;
            case TRANSFORM_KIND_BUCKETIZE -> TransformKind.BUCKETIZE;
            case TRANSFORM_KIND_ONE_HOT -> TransformKind.ONE_HOT;
            case TRANSFORM_KIND_INTEGER_ENCODING -> TransformKind.INTEGER_ENCODING;
            case TRANSFORM_KIND_HASHING -> TransformKind.HASHING;
            default -> throw new InvalidJobSpecException("transform kind", kind.name()
                    + " is not a transform kind");
        };
    }
}
