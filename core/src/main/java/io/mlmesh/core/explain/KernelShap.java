package io.mlmesh.core.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.QRDecomposition;
import org.hipparchus.linear.RealMatrix;

/**
 * Kernel SHAP (Lundberg and Lee, 2017): model-agnostic Shapley values of one prediction of any
 * scoring function, against a background set of rows.
 *
 * <p>The value of a coalition of inputs is the mean score over the background rows with the
 * coalition's inputs taken from the explained row and the others from the background row
 * (interventional: inputs are treated as independent). The Shapley values are the weighted
 * least-squares fit of an additive model to the coalition values, under the Shapley kernel
 * weights and the constraint that they sum to the prediction minus the base value (the mean
 * background score). Design: with few inputs every coalition is enumerated and the result is
 * exact; with more, coalitions are drawn from the kernel's distribution (paired with their
 * complements, which halves the variance) up to the budget. For a linear scoring function
 * {@code w . x + b} the values are exactly {@code w_i (x_i - mean_i)} either way, since an
 * additive model fits its coalition values without error.
 *
 * <p>Thread-safe when the scoring function is; each call draws from its own seeded generator.
 */
public final class KernelShap {

    private final ToDoubleFunction<double[]> model;
    private final double[][] background;
    private final int maxCoalitions;
    private final long seed;
    private final double baseValue;

    /**
     * @param model the score of one row of inputs (for example a margin or a probability)
     * @param background rows the absent inputs are drawn from, for example a sample of the
     *     training rows; every row as wide as the explained ones
     * @param maxCoalitions the most coalitions evaluated per explanation (at least 2)
     * @param seed the coalition draw's seed, used when not every coalition fits the budget
     * @throws IllegalArgumentException when the background is empty or ragged, or the budget
     *     is below 2
     */
    public KernelShap(ToDoubleFunction<double[]> model, double[][] background,
            int maxCoalitions, long seed) {
        checkBackground(background);
        if (maxCoalitions < 2) {
            throw new IllegalArgumentException("maxCoalitions must be at least 2, got "
                    + maxCoalitions);
        }
        this.model = model;
        this.background = background.clone();
        this.maxCoalitions = maxCoalitions;
        this.seed = seed;
        this.baseValue = meanScore(this.background);
    }

    /**
     * One input's share of a prediction.
     *
     * @param baseValue the mean score of the background rows
     * @param prediction the score of the explained row
     * @param contributions one per input; they sum to {@code prediction - baseValue}
     */
    public record Explanation(double baseValue, double prediction, double[] contributions) {
    }

    /** The mean score of the background rows: what a row with no input known scores. */
    public double baseValue() {
        return baseValue;
    }

    /**
     * The Shapley values of the score of {@code row}.
     *
     * @throws IllegalArgumentException when the row is not as wide as the background
     */
    public Explanation explain(double[] row) {
        int width = background[0].length;
        if (row.length != width) {
            throw new IllegalArgumentException("row has " + row.length + " inputs, the"
                    + " background " + width);
        }
        double prediction = model.applyAsDouble(row.clone());
        double total = prediction - baseValue;
        if (width == 1) {
            return new Explanation(baseValue, prediction, new double[] {total});
        }
        List<Coalition> coalitions = coalitions(width);
        return new Explanation(baseValue, prediction, fit(row, coalitions, total));
    }

    /** A set of present inputs and its weight in the least-squares fit. */
    private record Coalition(boolean[] present, double weight) {
    }

    private List<Coalition> coalitions(int width) {
        boolean enumerable = width < 31 && (1L << width) - 2 <= maxCoalitions;
        return enumerable ? everyCoalition(width) : drawnCoalitions(width);
    }

    /** Every coalition but the empty and the full one, with its Shapley kernel weight. */
    private static List<Coalition> everyCoalition(int width) {
        List<Coalition> all = new ArrayList<>();
        for (long mask = 1; mask < (1L << width) - 1; mask++) {
            boolean[] present = new boolean[width];
            int size = 0;
            for (int input = 0; input < width; input++) {
                present[input] = (mask >>> input & 1) == 1;
                size += present[input] ? 1 : 0;
            }
            all.add(new Coalition(present, kernelWeight(width, size)));
        }
        return all;
    }

    /**
     * Coalitions drawn with the kernel's probability of their size, each with its complement,
     * all of equal weight.
     */
    private List<Coalition> drawnCoalitions(int width) {
        double[] sizeWeights = new double[width];
        double sum = 0;
        for (int size = 1; size < width; size++) {
            sizeWeights[size] = (width - 1.0) / (size * (double) (width - size));
            sum += sizeWeights[size];
        }
        Random random = new Random(seed);
        List<Coalition> drawn = new ArrayList<>();
        while (drawn.size() + 2 <= maxCoalitions) {
            boolean[] present = randomSubset(width, drawSize(sizeWeights, sum, random), random);
            boolean[] complement = new boolean[width];
            for (int input = 0; input < width; input++) {
                complement[input] = !present[input];
            }
            drawn.add(new Coalition(present, 1));
            drawn.add(new Coalition(complement, 1));
        }
        return drawn;
    }

    private static int drawSize(double[] sizeWeights, double sum, Random random) {
        double target = random.nextDouble() * sum;
        for (int size = 1; size < sizeWeights.length; size++) {
            target -= sizeWeights[size];
            if (target < 0) {
                return size;
            }
        }
        return sizeWeights.length - 1;
    }

    private static boolean[] randomSubset(int width, int size, Random random) {
        boolean[] present = new boolean[width];
        int chosen = 0;
        while (chosen < size) {
            int input = random.nextInt(width);
            if (!present[input]) {
                present[input] = true;
                chosen++;
            }
        }
        return present;
    }

    /** (M - 1) / (C(M, s) s (M - s)): the Shapley kernel weight of a coalition of size s. */
    private static double kernelWeight(int width, int size) {
        double choose = 1;
        for (int i = 1; i <= size; i++) {
            choose = choose * (width - size + i) / i;
        }
        return (width - 1.0) / (choose * size * (width - size));
    }

    /**
     * The constrained weighted least squares: the last input's value is the total minus the
     * others', which leaves an ordinary weighted fit of the others.
     */
    private double[] fit(double[] row, List<Coalition> coalitions, double total) {
        int width = row.length;
        int last = width - 1;
        RealMatrix design = new Array2DRowRealMatrix(coalitions.size(), last);
        double[] targets = new double[coalitions.size()];
        for (int i = 0; i < coalitions.size(); i++) {
            Coalition coalition = coalitions.get(i);
            double rootWeight = Math.sqrt(coalition.weight());
            double lastPresent = coalition.present()[last] ? 1 : 0;
            for (int input = 0; input < last; input++) {
                double present = coalition.present()[input] ? 1 : 0;
                design.setEntry(i, input, rootWeight * (present - lastPresent));
            }
            targets[i] = rootWeight * (coalitionValue(row, coalition.present()) - baseValue
                    - lastPresent * total);
        }
        double[] others = new QRDecomposition(design).getSolver()
                .solve(new ArrayRealVector(targets, false)).toArray();
        double[] contributions = new double[width];
        double sumOthers = 0;
        for (int input = 0; input < last; input++) {
            contributions[input] = others[input];
            sumOthers += others[input];
        }
        contributions[last] = total - sumOthers;
        return contributions;
    }

    /** The mean score of the background rows with the present inputs taken from {@code row}. */
    private double coalitionValue(double[] row, boolean[] present) {
        double sum = 0;
        double[] mixed = new double[row.length];
        for (double[] backgroundRow : background) {
            for (int input = 0; input < row.length; input++) {
                mixed[input] = present[input] ? row[input] : backgroundRow[input];
            }
            sum += model.applyAsDouble(mixed);
        }
        return sum / background.length;
    }

    private double meanScore(double[][] rows) {
        double sum = 0;
        for (double[] row : rows) {
            sum += model.applyAsDouble(row.clone());
        }
        return sum / rows.length;
    }

    private static void checkBackground(double[][] background) {
        if (background.length == 0) {
            throw new IllegalArgumentException("background has no rows");
        }
        for (double[] row : background) {
            if (row.length != background[0].length || row.length == 0) {
                throw new IllegalArgumentException("background rows must share one width of"
                        + " at least 1 input, got " + row.length + " and "
                        + background[0].length);
            }
        }
    }
}
