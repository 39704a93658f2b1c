package io.mlmesh.training.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.training.v1.EvaluationSpec;
import io.mlmesh.training.v1.FairnessSpec;
import io.mlmesh.training.v1.FeatureTransform;
import io.mlmesh.training.v1.ImbalanceKind;
import io.mlmesh.training.v1.ImbalanceSpec;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.LabelSpec;
import io.mlmesh.training.v1.ModelFamily;
import io.mlmesh.training.v1.SplitKind;
import io.mlmesh.training.v1.SplitSpec;
import io.mlmesh.training.v1.TransformKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSpecValidatorTest {

    private static final JobSpec VALID = JobSpec.newBuilder()
            .setModelName("flights-delay")
            .setTrain(GetTrainingSetRequest.newBuilder().setSource("flights"))
            .setTest(GetTrainingSetRequest.newBuilder().setSource("flights"))
            .setLabel(LabelSpec.newBuilder().setColumn("delay").setThreshold(15))
            .addTransforms(FeatureTransform.newBuilder().setName("distance")
                    .setKind(TransformKind.TRANSFORM_KIND_NUMERIC).setColumn("distance"))
            .setFamily(ModelFamily.MODEL_FAMILY_XGBOOST)
            .putParams("max_depth", "4")
            .build();

    @Test
    void validate_validSpec_recordsDefaultsUnderGivenParams() {
        JobSpec accepted = JobSpecValidator.validate(VALID);

        assertEquals("4", accepted.getParamsMap().get("max_depth"));
        assertEquals("100", accepted.getParamsMap().get("num_round"));
        assertEquals("binary:logistic", accepted.getParamsMap().get("objective"));
        assertEquals("hist", accepted.getParamsMap().get("tree_method"));
        assertEquals("gradient_boosted_trees", accepted.getParamsMap().get("model_family"));
        assertEquals(9, accepted.getParamsCount());
        assertEquals(0.5, accepted.getEvaluation().getThreshold());
        assertEquals(50, accepted.getEvaluation().getMinSliceRows());
    }

    @Test
    void validate_wrongFields_namesEachField() {
        Map<String, JobSpec> specsByMessage = Map.of(
                "spec.model_name: is empty", VALID.toBuilder().clearModelName().build(),
                "spec.model_name: 'a b' must be letters, digits, '-', '_' and '.', starting"
                        + " with a letter or digit", VALID.toBuilder().setModelName("a b").build(),
                "spec.train: is missing", VALID.toBuilder().clearTrain().build(),
                "spec.test.source: is empty", VALID.toBuilder()
                        .setTest(GetTrainingSetRequest.getDefaultInstance()).build(),
                "spec.label.column: is empty", VALID.toBuilder().clearLabel().build(),
                "spec.transforms: needs at least one transform",
                VALID.toBuilder().clearTransforms().build(),
                "spec.transforms[1].name: 'distance' is used twice",
                VALID.toBuilder().addTransforms(VALID.getTransforms(0)).build(),
                "spec.transforms[0].kind: is unspecified", VALID.toBuilder().setTransforms(0,
                        VALID.getTransforms(0).toBuilder().clearKind()).build(),
                "spec.family: is unspecified", VALID.toBuilder().clearFamily().build(),
                "spec.params.num_round: num_round must be a positive integer, got '0'",
                VALID.toBuilder().putParams("num_round", "0").build());

        specsByMessage.forEach((message, spec) -> assertEquals(message,
                assertThrows(InvalidJobSpecException.class,
                        () -> JobSpecValidator.validate(spec)).getMessage()));
    }

    @Test
    void validate_wrongEvaluationOrFairness_namesEachField() {
        Map<String, JobSpec> specsByMessage = Map.of(
                "spec.evaluation.threshold: must be between 0 and 1, got 1.5",
                VALID.toBuilder().setEvaluation(EvaluationSpec.newBuilder().setThreshold(1.5))
                        .build(),
                "spec.evaluation.min_slice_rows: must not be negative, got -1",
                VALID.toBuilder().setEvaluation(EvaluationSpec.newBuilder()
                        .setMinSliceRows(-1)).build(),
                "spec.evaluation.slices[0].column: is empty",
                VALID.toBuilder().setEvaluation(EvaluationSpec.newBuilder()
                        .addSlices(FeatureTransform.newBuilder().setName("month")
                                .setKind(TransformKind.TRANSFORM_KIND_MONTH))).build(),
                "spec.fairness.attribute: is missing",
                VALID.toBuilder().setFairness(FairnessSpec.getDefaultInstance()).build(),
                "spec.fairness.max_demographic_parity_difference: must be between 0 and 1,"
                        + " got -0.1", VALID.toBuilder().setFairness(FairnessSpec.newBuilder()
                        .setAttribute(VALID.getTransforms(0))
                        .setMaxDemographicParityDifference(-0.1)).build());

        specsByMessage.forEach((message, spec) -> assertEquals(message,
                assertThrows(InvalidJobSpecException.class,
                        () -> JobSpecValidator.validate(spec)).getMessage()));
    }

    @Test
    void validate_transformSizes_acceptedOnTheirKindsAndRefusedElsewhere() {
        JobSpec sized = VALID.toBuilder()
                .addTransforms(transform("bucket", TransformKind.TRANSFORM_KIND_BUCKETIZE, 10, 0))
                .addTransforms(transform("origin", TransformKind.TRANSFORM_KIND_ONE_HOT, 0, 20))
                .build();
        Map<String, JobSpec> specsByMessage = Map.of(
                "spec.transforms[1].buckets: TRANSFORM_KIND_HASHING needs at least 2 buckets,"
                        + " got 0", VALID.toBuilder().addTransforms(transform("hash",
                        TransformKind.TRANSFORM_KIND_HASHING, 0, 0)).build(),
                "spec.transforms[1].buckets: TRANSFORM_KIND_STANDARDIZE takes no bucket count,"
                        + " got 4", VALID.toBuilder().addTransforms(transform("z",
                        TransformKind.TRANSFORM_KIND_STANDARDIZE, 4, 0)).build(),
                "spec.transforms[1].max_vocabulary_size: must not be negative, got -1",
                VALID.toBuilder().addTransforms(transform("code",
                        TransformKind.TRANSFORM_KIND_INTEGER_ENCODING, 0, -1)).build(),
                "spec.transforms[1].max_vocabulary_size: TRANSFORM_KIND_CATEGORY_INDEX takes no"
                        + " vocabulary cap, got 5", VALID.toBuilder().addTransforms(transform(
                        "index", TransformKind.TRANSFORM_KIND_CATEGORY_INDEX, 0, 5)).build());

        assertEquals(sized.getTransformsList(),
                JobSpecValidator.validate(sized).getTransformsList());
        assertEquals(10, SpecMapping.transforms(sized).get(1).buckets());
        assertEquals(20, SpecMapping.transforms(sized).get(2).maxVocabularySize());
        specsByMessage.forEach((message, spec) -> assertEquals(message,
                assertThrows(InvalidJobSpecException.class,
                        () -> JobSpecValidator.validate(spec)).getMessage()));
    }

    private static FeatureTransform transform(String name, TransformKind kind, int buckets,
            int maxVocabularySize) {
        return FeatureTransform.newBuilder().setName(name).setKind(kind).setColumn(name)
                .setBuckets(buckets).setMaxVocabularySize(maxVocabularySize).build();
    }

    @Test
    void validate_logisticRegression_linearDefaultsWithoutTreeParams() {
        JobSpec spec = VALID.toBuilder().setFamily(ModelFamily.MODEL_FAMILY_LOGISTIC_REGRESSION)
                .clearParams().build();

        JobSpec accepted = JobSpecValidator.validate(spec);

        assertEquals("gblinear", accepted.getParamsMap().get("booster"));
        assertEquals("binary:logistic", accepted.getParamsMap().get("objective"));
        assertEquals("coord_descent", accepted.getParamsMap().get("updater"));
        assertEquals("logistic_regression", accepted.getParamsMap().get("model_family"));
        assertEquals(null, accepted.getParamsMap().get("max_depth"));
    }

    @Test
    void validate_logisticRegressionWithTreeBooster_refusedNamingParam() {
        JobSpec spec = VALID.toBuilder().setFamily(ModelFamily.MODEL_FAMILY_LOGISTIC_REGRESSION)
                .putParams("booster", "gbtree").build();

        InvalidJobSpecException error = assertThrows(InvalidJobSpecException.class,
                () -> JobSpecValidator.validate(spec));

        assertEquals("spec.params.booster: family MODEL_FAMILY_LOGISTIC_REGRESSION trains"
                + " booster gblinear, got 'gbtree'", error.getMessage());
    }

    @Test
    void validate_splitAndImbalance_defaultsRecorded() {
        JobSpec stratified = VALID.toBuilder().clearTest()
                .setSplit(SplitSpec.newBuilder().setKind(SplitKind.SPLIT_KIND_STRATIFIED))
                .setImbalance(ImbalanceSpec.newBuilder()
                        .setKind(ImbalanceKind.IMBALANCE_KIND_DOWNSAMPLE))
                .build();

        JobSpec accepted = JobSpecValidator.validate(stratified);
        JobSpec byTime = JobSpecValidator.validate(VALID);

        assertEquals(0.2, accepted.getSplit().getTestFraction());
        assertEquals(1, accepted.getImbalance().getMajorityRatio());
        assertEquals(SplitKind.SPLIT_KIND_TIME, byTime.getSplit().getKind());
        assertEquals(ImbalanceKind.IMBALANCE_KIND_NONE, byTime.getImbalance().getKind());
    }

    @Test
    void validate_wrongSplitOrImbalance_namesEachField() {
        JobSpec random = VALID.toBuilder().clearTest()
                .setSplit(SplitSpec.newBuilder().setKind(SplitKind.SPLIT_KIND_RANDOM)).build();
        Map<String, JobSpec> specsByMessage = Map.of(
                "spec.test: SPLIT_KIND_RANDOM cuts the test rows from spec.train; spec.test"
                        + " must be unset", random.toBuilder().setTest(VALID.getTest()).build(),
                "spec.split.test_fraction: must be between 0 and 1 (exclusive), got 1.0",
                random.toBuilder().setSplit(random.getSplit().toBuilder().setTestFraction(1))
                        .build(),
                "spec.test: is missing", VALID.toBuilder().clearTest().build(),
                "spec.split.test_fraction: a time split takes its test rows from spec.test,"
                        + " got 0.3", VALID.toBuilder().setSplit(SplitSpec.newBuilder()
                        .setTestFraction(0.3)).build(),
                "spec.tags: key 'team name' must be 1 to 250 letters, digits, '_', '.', '/',"
                        + " ':' or '-'", VALID.toBuilder().putTags("team name", "ops").build(),
                "spec.imbalance.majority_ratio: must be at least 1 (or 0 for 1), got 0.5",
                VALID.toBuilder().setImbalance(ImbalanceSpec.newBuilder()
                        .setKind(ImbalanceKind.IMBALANCE_KIND_DOWNSAMPLE).setMajorityRatio(0.5))
                        .build(),
                "spec.imbalance.majority_ratio: IMBALANCE_KIND_CLASS_WEIGHTS takes no majority"
                        + " ratio, got 2.0", VALID.toBuilder().setImbalance(ImbalanceSpec
                        .newBuilder().setKind(ImbalanceKind.IMBALANCE_KIND_CLASS_WEIGHTS)
                        .setMajorityRatio(2)).build());

        specsByMessage.forEach((message, spec) -> assertEquals(message,
                assertThrows(InvalidJobSpecException.class,
                        () -> JobSpecValidator.validate(spec)).getMessage()));
    }

    @Test
    void validate_mlp_ownDefaultsAndBadParamRefusedNamingIt() {
        JobSpec spec = VALID.toBuilder().setFamily(ModelFamily.MODEL_FAMILY_MLP).clearParams()
                .putParams("epochs", "3").build();

        JobSpec accepted = JobSpecValidator.validate(spec);
        InvalidJobSpecException error = assertThrows(InvalidJobSpecException.class,
                () -> JobSpecValidator.validate(spec.toBuilder()
                        .putParams("batch_size", "many").build()));

        assertEquals("3", accepted.getParamsMap().get("epochs"));
        assertEquals("64,32", accepted.getParamsMap().get("hidden_units"));
        assertEquals("mlp", accepted.getParamsMap().get("model_family"));
        assertEquals(null, accepted.getParamsMap().get("num_round"));
        assertEquals("spec.params: batch_size must be an integer, got 'many'",
                error.getMessage());
    }
}
