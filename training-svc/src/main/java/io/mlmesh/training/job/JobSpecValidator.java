package io.mlmesh.training.job;

import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.training.mlp.MlpParams;
import io.mlmesh.training.v1.EvaluationSpec;
import io.mlmesh.training.v1.FairnessSpec;
import io.mlmesh.training.v1.FeatureTransform;
import io.mlmesh.training.v1.ImbalanceKind;
import io.mlmesh.training.v1.ImbalanceSpec;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.ModelFamily;
import io.mlmesh.training.v1.SplitKind;
import io.mlmesh.training.v1.SplitSpec;
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

    /** The registry's rule for tag keys: the run's tags go onto its registered version. */
    private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9_./:-]{1,250}");

    /** The share of rows a random or stratified split tests on when the spec gives none. */
    public static final double DEFAULT_TEST_FRACTION = 0.2;

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
        checkSplit(spec);
        checkImbalance(spec.getImbalance());
        checkTags(spec);
        if (spec.hasTuning()) {
            TuningSpecs.check(spec.getTuning());
        }
        checkLabel(spec);
        checkTransforms("spec.transforms", spec.getTransformsList());
        checkFamily(spec.getFamily());
        checkEvaluation(spec.getEvaluation());
        checkFairness(spec);

        JobSpec accepted = spec.toBuilder()
                .clearParams()
                .putAllParams(paramsWithDefaults(spec))
                .setEvaluation(evaluationWithDefaults(spec.getEvaluation()))
                .setSplit(splitWithDefaults(spec.getSplit()))
                .setImbalance(imbalanceWithDefaults(spec.getImbalance()))
                .build();
        return spec.hasTuning()
                ? accepted.toBuilder().setTuning(TuningSpecs.withDefaults(spec.getTuning()))
                        .build()
                : accepted;
    }

    /** A time split reads two requests; a random or stratified one cuts its test rows. */
    private static void checkSplit(JobSpec spec) {
        SplitSpec split = spec.getSplit();
        if (split.getKind() == SplitKind.UNRECOGNIZED) {
            throw new InvalidJobSpecException("spec.split.kind", "is not a split kind");
        }
        if (!DataSplits.cutsTestFromTrain(split)) {
            checkRequest("spec.test", spec.hasTest(), spec.getTest());
            if (split.getTestFraction() != 0) {
                throw new InvalidJobSpecException("spec.split.test_fraction", "a time split"
                        + " takes its test rows from spec.test, got " + split.getTestFraction());
            }
            return;
        }
        if (spec.hasTest()) {
            throw new InvalidJobSpecException("spec.test", split.getKind().name()
                    + " cuts the test rows from spec.train; spec.test must be unset");
        }
        double fraction = split.getTestFraction();
        if (!(fraction >= 0 && fraction < 1)) {
            throw new InvalidJobSpecException("spec.split.test_fraction",
                    "must be between 0 and 1 (exclusive), got " + fraction);
        }
    }

    private static void checkTags(JobSpec spec) {
        for (String key : spec.getTagsMap().keySet()) {
            if (!TAG_KEY.matcher(key).matches()) {
                throw new InvalidJobSpecException("spec.tags", "key '" + key + "' must be 1 to"
                        + " 250 letters, digits, '_', '.', '/', ':' or '-'");
            }
        }
    }

    private static void checkImbalance(ImbalanceSpec imbalance) {
        if (imbalance.getKind() == ImbalanceKind.UNRECOGNIZED) {
            throw new InvalidJobSpecException("spec.imbalance.kind", "is not an imbalance kind");
        }
        double ratio = imbalance.getMajorityRatio();
        boolean downsample = imbalance.getKind() == ImbalanceKind.IMBALANCE_KIND_DOWNSAMPLE;
        if (!downsample && ratio != 0) {
            throw new InvalidJobSpecException("spec.imbalance.majority_ratio",
                    imbalance.getKind().name() + " takes no majority ratio, got " + ratio);
        }
        if (downsample && !(ratio == 0 || ratio >= 1) || Double.isInfinite(ratio)) {
            throw new InvalidJobSpecException("spec.imbalance.majority_ratio",
                    "must be at least 1 (or 0 for 1), got " + ratio);
        }
    }

    private static SplitSpec splitWithDefaults(SplitSpec split) {
        SplitSpec.Builder completed = split.toBuilder();
        if (split.getKind() == SplitKind.SPLIT_KIND_UNSPECIFIED) {
            completed.setKind(SplitKind.SPLIT_KIND_TIME);
        }
        if (DataSplits.cutsTestFromTrain(split) && split.getTestFraction() == 0) {
            completed.setTestFraction(DEFAULT_TEST_FRACTION);
        }
        return completed.build();
    }

    private static ImbalanceSpec imbalanceWithDefaults(ImbalanceSpec imbalance) {
        ImbalanceSpec.Builder completed = imbalance.toBuilder();
        if (imbalance.getKind() == ImbalanceKind.IMBALANCE_KIND_UNSPECIFIED) {
            completed.setKind(ImbalanceKind.IMBALANCE_KIND_NONE);
        }
        if (imbalance.getKind() == ImbalanceKind.IMBALANCE_KIND_DOWNSAMPLE
                && imbalance.getMajorityRatio() == 0) {
            completed.setMajorityRatio(1);
        }
        return completed.build();
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
