package io.mlmesh.training.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The folds of a cross-validation, as row numbers of a train matrix: shuffled k-fold, or
 * expanding time-series windows that never validate on rows earlier than those they train on.
 */
public final class CrossValidation {

    private CrossValidation() {
    }

    /**
     * One fold.
     *
     * @param train the rows it trains on, in row order
     * @param validation the rows it validates on, in row order
     */
    public record Fold(int[] train, int[] validation) {
    }

    /**
     * The rows shuffled with the seed and cut into {@code folds} parts of sizes differing by at
     * most one; fold i validates on part i and trains on the others.
     */
    public static List<Fold> kFold(int rows, int folds, long seed) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, rows).boxed().toList());
        Collections.shuffle(order, new Random(seed));
        int[] partOf = new int[rows];
        for (int position = 0; position < rows; position++) {
            partOf[order.get(position)] = (int) ((long) position * folds / rows);
        }
        List<Fold> all = new ArrayList<>();
        for (int fold = 0; fold < folds; fold++) {
            int part = fold;
            all.add(new Fold(IntStream.range(0, rows).filter(row -> partOf[row] != part)
                    .toArray(), IntStream.range(0, rows).filter(row -> partOf[row] == part)
                    .toArray()));
        }
        return all;
    }

    /**
     * The rows in order cut into {@code folds + 1} parts; fold i (from 1) trains on the first i
     * parts and validates on part i + 1.
     */
    public static List<Fold> timeSeries(int rows, int folds) {
        int[] bounds = new int[folds + 2];
        for (int part = 0; part <= folds + 1; part++) {
            bounds[part] = (int) ((long) part * rows / (folds + 1));
        }
        List<Fold> all = new ArrayList<>();
        for (int fold = 1; fold <= folds; fold++) {
            all.add(new Fold(IntStream.range(0, bounds[fold]).toArray(),
                    IntStream.range(bounds[fold], bounds[fold + 1]).toArray()));
        }
        return all;
    }
}
