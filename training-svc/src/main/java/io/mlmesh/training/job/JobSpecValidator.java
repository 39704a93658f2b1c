package io.mlmesh.training.job;

import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.training.v1.FeatureTransform;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.ModelFamily;
import io.mlmesh.training.v1.TransformKind;
import io.mlmesh.training.xgboost.XgboostParams;
import java.util.HashSet;
import java.util.Set;
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
     * family's defaults.
     *
     * @throws InvalidJobSpecException naming the first field found wrong
     */
    public static JobSpec validate(JobSpec spec) {
        checkModelName(spec.getModelName());
        checkRequest("spec.train", spec.hasTrain(), spec.getTrain());
        checkRequest("spec.test", spec.hasTest(), spec.getTest());
        checkLabel(spec);
        checkTransforms(spec);
        checkFamily(spec.getFamily());

        return spec.toBuilder()
                .clearParams()
                .putAllParams(paramsWithDefaults(spec).sorted())
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

    private static void checkTransforms(JobSpec spec) {
        if (spec.getTransformsCount() == 0) {
            throw new InvalidJobSpecException("spec.transforms", "needs at least one transform");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < spec.getTransformsCount(); i++) {
            FeatureTransform transform = spec.getTransforms(i);
            String field = "spec.transforms[" + i + "]";
            if (transform.getName().isBlank()) {
                throw new InvalidJobSpecException(field + ".name", "is empty");
            }
            if (!names.add(transform.getName())) {
                throw new InvalidJobSpecException(field + ".name",
                        "'" + transform.getName() + "' is used twice");
            }
            if (transform.getKind() == TransformKind.TRANSFORM_KIND_UNSPECIFIED
                    || transform.getKind() == TransformKind.UNRECOGNIZED) {
                throw new InvalidJobSpecException(field + ".kind", "is unspecified");
            }
            if (transform.getColumn().isBlank()) {
                throw new InvalidJobSpecException(field + ".column", "is empty");
            }
        }
    }

    private static void checkFamily(ModelFamily family) {
        if (family == ModelFamily.MODEL_FAMILY_UNSPECIFIED) {
            throw new InvalidJobSpecException("spec.family", "is unspecified");
        }
        if (family != ModelFamily.MODEL_FAMILY_XGBOOST) {
            throw new InvalidJobSpecException("spec.family", "family " + family.name()
                    + " is not supported yet (supported: MODEL_FAMILY_XGBOOST)");
        }
    }

    private static XgboostParams paramsWithDefaults(JobSpec spec) {
        try {
            return XgboostParams.withDefaults(spec.getParamsMap());
        } catch (IllegalArgumentException e) {
            throw new InvalidJobSpecException("spec.params." + XgboostParams.NUM_ROUND,
                    e.getMessage());
        }
    }
}
