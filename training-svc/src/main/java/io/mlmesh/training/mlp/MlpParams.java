package io.mlmesh.training.mlp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters of an MLP job, read from the job's text params and completed with defaults.
 * Every value is checked when the job is submitted, so a job fails later only for its data.
 *
 * @param epochs passes over the train rows
 * @param batchSize rows per Adam step
 * @param learningRate Adam's step size
 * @param hiddenUnits the width of each hidden layer, first to last
 * @param embeddingDim the width of every categorical embedding
 * @param positiveWeight the loss weight of a positive row, or NaN for {@code balanced}
 *     (negatives over positives in the train rows)
 * @param seed seeds the initial weights and the shuffling of each epoch
 */
public record MlpParams(int epochs, int batchSize, float learningRate, List<Integer> hiddenUnits,
        int embeddingDim, double positiveWeight, long seed) {

    public MlpParams {
        hiddenUnits = List.copyOf(hiddenUnits);
    }

    /** The value {@code model_family} records for this family. */
    public static final String FAMILY = "mlp";

    /** {@code pos_weight} that weights positives by the train rows' class ratio. */
    public static final String BALANCED = "balanced";

    /** What a job gets for each parameter it does not set. */
    public static final Map<String, String> DEFAULTS = Map.of(
            "epochs", "8",
            "batch_size", "256",
            "learning_rate", "0.003",
            "hidden_units", "64,32",
            "embedding_dim", "8",
            "pos_weight", "1",
            "seed", "42");

    /**
     * The defaults overridden by {@code given}, recorded as text in name order, as the job
     * keeps them.
     *
     * @throws IllegalArgumentException naming the first parameter that is wrong
     */
    public static Map<String, String> withDefaults(Map<String, String> given) {
        Map<String, String> merged = new TreeMap<>(DEFAULTS);
        merged.putAll(given);
        of(merged);
        return merged;
    }

    /**
     * The parameters of a job's (completed) params.
     *
     * @throws IllegalArgumentException naming the first parameter that is wrong
     */
    public static MlpParams of(Map<String, String> params) {
        return new MlpParams(
                positiveInt(params, "epochs"),
                positiveInt(params, "batch_size"),
                (float) positiveNumber(params, "learning_rate"),
                hiddenUnits(params.getOrDefault("hidden_units", DEFAULTS.get("hidden_units"))),
                positiveInt(params, "embedding_dim"),
                positiveWeight(params.getOrDefault("pos_weight", DEFAULTS.get("pos_weight"))),
                longOf(params, "seed"));
    }

    /** The weight of a positive row given the train rows' positive share. */
    public float positiveWeightFor(double positiveShare) {
        if (!Double.isNaN(positiveWeight)) {
            return (float) positiveWeight;
        }
        return positiveShare > 0 && positiveShare < 1
                ? (float) ((1 - positiveShare) / positiveShare) : 1f;
    }

    private static int positiveInt(Map<String, String> params, String name) {
        long value = longOf(params, name);
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be a positive integer, got '"
                    + params.get(name) + "'");
        }
        return (int) value;
    }

    private static long longOf(Map<String, String> params, String name) {
        String text = params.getOrDefault(name, DEFAULTS.get(name));
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + text + "'",
                    e);
        }
    }

    private static double positiveNumber(Map<String, String> params, String name) {
        String text = params.getOrDefault(name, DEFAULTS.get(name));
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive number, got '"
                    + text + "'");
        }
        return value;
    }

    private static List<Integer> hiddenUnits(String text) {
        List<Integer> units = new ArrayList<>();
        for (String part : text.split(",")) {
            int width;
            try {
                width = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                width = 0;
            }
            if (width < 1) {
                throw new IllegalArgumentException("hidden_units must be positive integers"
                        + " separated by commas (one per hidden layer), got '" + text + "'");
            }
            units.add(width);
        }
        return List.copyOf(units);
    }

    private static double positiveWeight(String text) {
        if (BALANCED.equalsIgnoreCase(text.trim())) {
            return Double.NaN;
        }
        return positiveNumber(Map.of("pos_weight", text), "pos_weight");
    }
}
