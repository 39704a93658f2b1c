package io.mlmesh.training.job;

import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.training.mlp.MlpParams;
import io.mlmesh.training.v1.EvaluationSpec;
import io.mlmesh.training.v1.FairnessSpec;
import io.mlmesh.training.v1.FeatureTransform;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.ModelFamily;
import io.mlmesh.training.v1.TransformKind;
import io.mlmesh.training.xgboost.XgboostParams;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks a job spec before it is accepted, so that a job fails later only for reasons the
 * request could not show (data, peers, the engine). Every problem names its field.
 */
public final class JobSpecValidator {

    /** The registry's rule for model names. */
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private JobSpecValidator() {
    }

    /**
     * The spec as the job records it: unchanged but for its params, completed with the
     * family's defaults and {@code model_family}, and its evaluation, completed with the
     * default threshold and slice size.
     *
     * @throws InvalidJobSpecException naming the first field found wrong
     */
    public static JobSpec validate(JobSpec spec) {
        checkModelName(spec.getModelName());
        checkRequest("spec.train", spec.hasTrain(), spec.getTrain());
        checkRequest("spec.test", spec.hasTest(), spec.getTest());
        checkLabel(spec);
        checkTransforms("spec.transforms", spec.getTransformsList());
        checkFamily(spec.getFamily());
        checkEvaluation(spec.getEvaluation());
        checkFairness(spec);

        return spec.toBuilder()
                .clearParams()
                .putAllParams(paramsWithDefaults(spec))
                .setEvaluation(evaluationWithDefaults(spec.getEvaluation()))
                .build();
    }

    private static void checkModelName(String modelName) {
        if (modelName.isBlank()) {
            throw new InvalidJobSpecException("spec.model_name", "is empty");
        }
        if (!MODEL_NAME.matcher(modelName).matches()) {
            throw new InvalidJobSpecException("spec.model_name", "'" + modelName
                    + "' must be letters, digits, '-', '_' and '.', starting with a letter or"
                    + " digit");
        }
    }

    private static void checkRequest(String field, boolean present,
            GetTrainingSetRequest request) {
        if (!present) {
            throw new InvalidJobSpecException(field, "is missing");
        }
        if (request.getSource().isBlank()) {
            throw new InvalidJobSpecException(field + ".source", "is empty");
        }
    }

    private static void checkLabel(JobSpec spec) {
        if (!spec.hasLabel() || spec.getLabel().getColumn().isBlank()) {
            throw new InvalidJobSpecException("spec.label.column", "is empty");
        }
        if (Double.isNaN(spec.getLabel().getThreshold())) {
            throw new InvalidJobSpecException("spec.label.threshold", "is NaN");
        }
    }

    private static void checkTransforms(String field, List<FeatureTransform> transforms) {
        if (transforms.isEmpty() && field.equals("spec.transforms")) {
            throw new InvalidJobSpecException(field, "needs at least one transform");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < transforms.size(); i++) {
            FeatureTransform transform = transforms.get(i);
            checkTransform(field + "[" + i + "]", transform);
            if (!names.add(transform.getName())) {
                throw new InvalidJobSpecException(field + "[" + i + "].name",
                        "'" + transform.getName() + "' is used twice");
            }
        }
    }

    private static void checkTransform(String field, FeatureTransform transform) {
        if (transform.getName().isBlank()) {
            throw new InvalidJobSpecException(field + ".name", "is empty");
        }
        if (transform.getKind() == TransformKind.TRANSFORM_KIND_UNSPECIFIED
                || transform.getKind() == TransformKind.UNRECOGNIZED) {
            throw new InvalidJobSpecException(field + ".kind", "is unspecified");
        }
        if (transform.getColumn().isBlank()) {
            throw new InvalidJobSpecException(field + ".column", "is empty");
        }
        checkSizes(field, transform);
    }

    /** The bucket count and vocabulary cap, each allowed only on the kinds that read it. */
    private static void checkSizes(String field, FeatureTransform transform) {
        TransformKind kind = transform.getKind();
        boolean bucketed = kind == TransformKind.TRANSFORM_KIND_BUCKETIZE
                || kind == TransformKind.TRANSFORM_KIND_HASHING;
        if (bucketed && transform.getBuckets() < 2) {
            throw new InvalidJobSpecException(field + ".buckets", kind.name()
                    + " needs at least 2 buckets, got " + transform.getBuckets());
        }
        if (!bucketed && transform.getBuckets() != 0) {
            throw new InvalidJobSpecException(field + ".buckets", kind.name()
                    + " takes no bucket count, got " + transform.getBuckets());
        }
        boolean capped = kind == TransformKind.TRANSFORM_KIND_ONE_HOT
                || kind == TransformKind.TRANSFORM_KIND_INTEGER_ENCODING;
        int maxSize = transform.getMaxVocabularySize();
        if (maxSize < 0 || (maxSize != 0 && !capped)) {
            throw new InvalidJobSpecException(field + ".max_vocabulary_size", maxSize < 0
                    ? "must not be negative, got " + maxSize
                    : kind.name() + " takes no vocabulary cap, got " + maxSize);
        }
    }

    private static void checkEvaluation(EvaluationSpec evaluation) {
        double threshold = evaluation.getThreshold();
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new InvalidJobSpecException("spec.evaluation.threshold",
                    "must be between 0 and 1, got " + threshold);
        }
        if (evaluation.getMinSliceRows() < 0) {
            throw new InvalidJobSpecException("spec.evaluation.min_slice_rows",
                    "must not be negative, got " + evaluation.getMinSliceRows());
        }
        checkTransforms("spec.evaluation.slices", evaluation.getSlicesList());
    }

    private static void checkFairness(JobSpec spec) {
        if (!spec.hasFairness()) {
            return;
        }
        FairnessSpec fairness = spec.getFairness();
        if (!fairness.hasAttribute()) {
            throw new InvalidJobSpecException("spec.fairness.attribute", "is missing");
        }
        checkTransform("spec.fairness.attribute", fairness.getAttribute());
        double limit = fairness.getMaxDemographicParityDifference();
        if (!(limit >= 0 && limit <= 1)) {
            throw new InvalidJobSpecException("spec.fairness.max_demographic_parity_difference",
                    "must be between 0 and 1, got " + limit);
        }
    }

    private static EvaluationSpec evaluationWithDefaults(EvaluationSpec evaluation) {
        EvaluationSpec.Builder completed = evaluation.toBuilder();
        if (evaluation.getThreshold() == 0) {
            completed.setThreshold(Evaluation.DEFAULT_THRESHOLD);
        }
        if (evaluation.getMinSliceRows() == 0) {
            completed.setMinSliceRows(Evaluation.DEFAULT_MIN_SLICE_ROWS);
        }
        return completed.build();
    }

    private static void checkFamily(ModelFamily family) {
        if (family == ModelFamily.MODEL_FAMILY_UNSPECIFIED) {
            throw new InvalidJobSpecException("spec.family", "is unspecified");
        }
        if (family != ModelFamily.MODEL_FAMILY_XGBOOST
                && family != ModelFamily.MODEL_FAMILY_LOGISTIC_REGRESSION
                && family != ModelFamily.MODEL_FAMILY_MLP) {
            throw new InvalidJobSpecException("spec.family", "family " + family.name()
                    + " is not supported yet (supported: MODEL_FAMILY_XGBOOST,"
                    + " MODEL_FAMILY_LOGISTIC_REGRESSION, MODEL_FAMILY_MLP)");
        }
    }

    private static Map<String, String> paramsWithDefaults(JobSpec spec) {
        if (spec.getFamily() != ModelFamily.MODEL_FAMILY_MLP) {
            return xgboostParamsWithDefaults(spec).sorted();
        }
        Map<String, String> given = new TreeMap<>(spec.getParamsMap());
        given.put(XgboostParams.MODEL_FAMILY, MlpParams.FAMILY);
        try {
            return MlpParams.withDefaults(given);
        } catch (IllegalArgumentException e) {
            throw new InvalidJobSpecException("spec.params", e.getMessage());
        }
    }

    private static XgboostParams xgboostParamsWithDefaults(JobSpec spec) {
        boolean linear = spec.getFamily() == ModelFamily.MODEL_FAMILY_LOGISTIC_REGRESSION;
        String booster = spec.getParamsOrDefault("booster", "gblinear");
        if (linear && !booster.equals("gblinear")) {
            throw new InvalidJobSpecException("spec.params.booster", "family "
                    + spec.getFamily().name() + " trains booster gblinear, got '" + booster
                    + "'");
        }
        Map<String, String> given = new TreeMap<>(spec.getParamsMap());
        given.put(XgboostParams.MODEL_FAMILY, linear ? XgboostParams.LOGISTIC_REGRESSION_FAMILY
                : XgboostParams.TREES_FAMILY);
        try {
            return XgboostParams.withDefaults(linear ? XgboostParams.LINEAR_DEFAULTS
                    : XgboostParams.DEFAULTS, given);
        } catch (IllegalArgumentException e) {
            throw new InvalidJobSpecException("spec.params." + XgboostParams.NUM_ROUND,
                    e.getMessage());
        }
    }
}
