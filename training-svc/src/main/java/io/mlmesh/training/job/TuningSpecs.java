package io.mlmesh.training.job;

import io.mlmesh.training.v1.CrossValidationKind;
import io.mlmesh.training.v1.ParamSearchSpace;
import io.mlmesh.training.v1.SearchKind;
import io.mlmesh.training.v1.TuningSpec;
import java.util.HashSet;
import java.util.Set;

/** Checks a tuning spec field by field and completes its defaults. */
final class TuningSpecs {

    static final int DEFAULT_FOLDS = 3;
    static final int DEFAULT_EARLY_STOPPING_ROUNDS = 10;
    private static final String FIELD = "spec.tuning";

    private TuningSpecs() {
    }

    /**
     * @throws InvalidJobSpecException naming the first field found wrong
     */
    static void check(TuningSpec tuning) {
        if (tuning.getSearch() == SearchKind.SEARCH_KIND_UNSPECIFIED
                || tuning.getSearch() == SearchKind.UNRECOGNIZED) {
            throw new InvalidJobSpecException(FIELD + ".search", "is unspecified");
        }
        if (tuning.getCrossValidation() == CrossValidationKind.UNRECOGNIZED) {
            throw new InvalidJobSpecException(FIELD + ".cross_validation",
                    "is not a cross-validation kind");
        }
        if (tuning.getSpaceCount() == 0) {
            throw new InvalidJobSpecException(FIELD + ".space", "needs at least one param");
        }
        checkCounts(tuning);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tuning.getSpaceCount(); i++) {
            ParamSearchSpace param = tuning.getSpace(i);
            String field = FIELD + ".space[" + i + "]";
            if (param.getName().isBlank() || !names.add(param.getName())) {
                throw new InvalidJobSpecException(field + ".name", param.getName().isBlank()
                        ? "is empty" : "'" + param.getName() + "' is searched twice");
            }
            checkRange(field, param, tuning.getSearch());
        }
    }

    static TuningSpec withDefaults(TuningSpec tuning) {
        TuningSpec.Builder completed = tuning.toBuilder();
        if (tuning.getCrossValidation() == CrossValidationKind.CROSS_VALIDATION_KIND_UNSPECIFIED) {
            completed.setCrossValidation(CrossValidationKind.CROSS_VALIDATION_KIND_K_FOLD);
        }
        if (tuning.getFolds() == 0) {
            completed.setFolds(DEFAULT_FOLDS);
        }
        if (tuning.getEarlyStoppingRounds() == 0) {
            completed.setEarlyStoppingRounds(DEFAULT_EARLY_STOPPING_ROUNDS);
        }
        return completed.build();
    }

    private static void checkCounts(TuningSpec tuning) {
        if (tuning.getFolds() == 1 || tuning.getFolds() < 0) {
            throw new InvalidJobSpecException(FIELD + ".folds", "must be at least 2 (or 0 for "
                    + DEFAULT_FOLDS + "), got " + tuning.getFolds());
        }
        if (tuning.getMaxTrials() < 0) {
            throw new InvalidJobSpecException(FIELD + ".max_trials", "must not be negative, got "
                    + tuning.getMaxTrials());
        }
        if (!(tuning.getMaxMinutes() >= 0) || Double.isInfinite(tuning.getMaxMinutes())) {
            throw new InvalidJobSpecException(FIELD + ".max_minutes",
                    "must be a finite number at least 0, got " + tuning.getMaxMinutes());
        }
        if (tuning.getEarlyStoppingRounds() < 0) {
            throw new InvalidJobSpecException(FIELD + ".early_stopping_rounds",
                    "must not be negative, got " + tuning.getEarlyStoppingRounds());
        }
    }

    private static void checkRange(String field, ParamSearchSpace param, SearchKind search) {
        if (param.getValuesCount() > 0) {
            return;
        }
        if (search == SearchKind.SEARCH_KIND_GRID) {
            throw new InvalidJobSpecException(field + ".values", "a grid search needs values");
        }
        if (!(param.getMin() < param.getMax())) {
            throw new InvalidJobSpecException(field + ".max", "must be above min "
                    + param.getMin() + ", got " + param.getMax());
        }
        if (param.getLogScale() && !(param.getMin() > 0)) {
            throw new InvalidJobSpecException(field + ".min", "a log scale needs min > 0, got "
                    + param.getMin());
        }
    }
}
