package io.mlmesh.training.xgboost;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * XGBoost parameters as given by a job, completed with its family's defaults. Everything is
 * kept as text, the way a job records it; {@code num_round} (the number of boosting rounds) and
 * {@code model_family} (what the model is, recorded with it) are ours, every other key goes to
 * the booster as it is.
 *
 * <p>Logistic regression is XGBoost's linear booster with the logistic objective, so inference
 * serves it as any XGBoost model. Its defaults come from a measurement on the flights sample
 * (Jan-Feb train, Mar test, raw inputs): coordinate descent with {@code eta} 1 reaches the
 * optimum's log loss (0.5144 train) by round 50 to 100, where {@code eta} 0.5 still has not at
 * 200; standardized inputs reach it in 5 rounds, to the same AUC (0.6225). Inputs are not
 * standardized: the served model reads the raw vectors, and 100 rounds take well under a
 * second. No L1/L2 penalty by default ({@code lambda}, {@code alpha} 0), so the optimum does
 * not depend on the inputs' scales.
 *
 * @param values every parameter, defaults included, sorted by name
 */
public record XgboostParams(Map<String, String> values) {

    /** The parameter that holds the number of boosting rounds. */
    public static final String NUM_ROUND = "num_round";

    /** The parameter that records the model family: not given to the booster. */
    public static final String MODEL_FAMILY = "model_family";

    /** {@link #MODEL_FAMILY} of gradient-boosted trees. */
    public static final String TREES_FAMILY = "gradient_boosted_trees";

    /** {@link #MODEL_FAMILY} of logistic regression (the linear booster). */
    public static final String LOGISTIC_REGRESSION_FAMILY = "logistic_regression";

    /** What a tree job gets for each parameter it does not set. */
    public static final Map<String, String> DEFAULTS = Map.of(
            "objective", "binary:logistic",
            "eval_metric", "logloss",
            "max_depth", "6",
            "eta", "0.1",
            NUM_ROUND, "100",
            "tree_method", "hist",
            "nthread", "2",
            "seed", "42");

    /** What a logistic regression job gets for each parameter it does not set. */
    public static final Map<String, String> LINEAR_DEFAULTS = Map.of(
            "objective", "binary:logistic",
            "eval_metric", "logloss",
            "booster", "gblinear",
            "updater", "coord_descent",
            "eta", "1",
            "lambda", "0",
            "alpha", "0",
            NUM_ROUND, "100",
            "nthread", "2");

    public XgboostParams {
        values = Map.copyOf(values);
    }

    /**
     * The defaults overridden by {@code given}.
     *
     * @throws IllegalArgumentException when {@code num_round} is not a positive integer
     */
    public static XgboostParams withDefaults(Map<String, String> given) {
        return withDefaults(DEFAULTS, given);
    }

    /**
     * {@code defaults} overridden by {@code given}.
     *
     * @throws IllegalArgumentException when {@code num_round} is not a positive integer
     */
    public static XgboostParams withDefaults(Map<String, String> defaults,
            Map<String, String> given) {
        Map<String, String> merged = new TreeMap<>(defaults);
        merged.putAll(given);
        XgboostParams params = new XgboostParams(merged);
        params.numRounds();
        return params;
    }

    /** The parameters in name order, as recorded with the job and the model. */
    public Map<String, String> sorted() {
        return new TreeMap<>(values);
    }

    /**
     * The number of boosting rounds.
     *
     * @throws IllegalArgumentException when it is not a positive integer
     */
    public int numRounds() {
        String text = values.getOrDefault(NUM_ROUND, DEFAULTS.get(NUM_ROUND));
        int rounds;
        try {
            rounds = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            rounds = 0;
        }
        if (rounds < 1) {
            throw new IllegalArgumentException(
                    NUM_ROUND + " must be a positive integer, got '" + text + "'");
        }
        return rounds;
    }

    /** The parameters the booster takes: all but {@code num_round} and {@code model_family}. */
    public Map<String, Object> boosterParams() {
        Map<String, Object> booster = new HashMap<>(values);
        booster.remove(NUM_ROUND);
        booster.remove(MODEL_FAMILY);
        return booster;
    }
}
