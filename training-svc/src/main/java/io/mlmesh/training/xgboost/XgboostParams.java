package io.mlmesh.training.xgboost;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * XGBoost parameters as given by a job, completed with this service's defaults. Everything is
 * kept as text, the way a job records it; {@code num_round} is ours (the number of boosting
 * rounds), every other key goes to the booster as it is.
 *
 * @param values every parameter, defaults included, sorted by name
 */
public record XgboostParams(Map<String, String> values) {

    /** The parameter that holds the number of boosting rounds. */
    public static final String NUM_ROUND = "num_round";

    /** What a job gets for each parameter it does not set. */
    public static final Map<String, String> DEFAULTS = Map.of(
            "objective", "binary:logistic",
            "eval_metric", "logloss",
            "max_depth", "6",
            "eta", "0.1",
            NUM_ROUND, "100",
            "tree_method", "hist",
            "nthread", "2",
            "seed", "42");

    public XgboostParams {
        values = Map.copyOf(values);
    }

    /**
     * The defaults overridden by {@code given}.
     *
     * @throws IllegalArgumentException when {@code num_round} is not a positive integer
     */
    public static XgboostParams withDefaults(Map<String, String> given) {
        Map<String, String> merged = new TreeMap<>(DEFAULTS);
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

    /** The parameters the booster takes: all but {@code num_round}. */
    public Map<String, Object> boosterParams() {
        Map<String, Object> booster = new HashMap<>(values);
        booster.remove(NUM_ROUND);
        return booster;
    }
}
