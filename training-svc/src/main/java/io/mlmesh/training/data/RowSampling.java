package io.mlmesh.training.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Seeded choices of rows: which rows of a set become test rows (random or stratified by label)
 * and which train rows a down-sampling of the majority class keeps.
 *
 * <p>Design: exact counts, not a coin per row: a shuffle (with {@link Random} of the seed) of
 * the row numbers, cut at the wanted count, so a 0.2 test share of 10,000 rows is exactly 2,000
 * rows and the same seed and rows always give the same choice. Stratifying does the same within
 * each class, so both parts keep the positive share up to one row per class.
 */
public final class RowSampling {

    private RowSampling() {
    }

    /** For each row, whether it is a test row: {@code round(rows * testFraction)} of them. */
    public static boolean[] randomTestRows(int rows, double testFraction, long seed) {
        boolean[] test = new boolean[rows];
        markShare(allRows(rows), testFraction, new Random(seed), test);
        return test;
    }

    /**
     * For each row, whether it is a test row: {@code round(n * testFraction)} of each class's
     * {@code n} rows.
     */
    public static boolean[] stratifiedTestRows(float[] labels, double testFraction, long seed) {
        boolean[] test = new boolean[labels.length];
        Random random = new Random(seed);
        markShare(rowsLabelled(labels, 0f), testFraction, random, test);
        markShare(rowsLabelled(labels, 1f), testFraction, random, test);
        return test;
    }

    /**
     * The rows kept by down-sampling the majority class: every minority row and
     * {@code min(majority, round(minority * majorityRatio))} majority rows, in row order.
     */
    public static int[] downsampleMajority(float[] labels, double majorityRatio, long seed) {
        List<Integer> positives = rowsLabelled(labels, 1f);
        List<Integer> negatives = rowsLabelled(labels, 0f);
        boolean positivesMajor = positives.size() > negatives.size();
        List<Integer> majority = positivesMajor ? positives : negatives;
        List<Integer> minority = positivesMajor ? negatives : positives;
        int keep = (int) Math.min(majority.size(), Math.round(minority.size() * majorityRatio));

        Collections.shuffle(majority, new Random(seed));
        int[] kept = new int[minority.size() + keep];
        int next = 0;
        for (int row : minority) {
            kept[next++] = row;
        }
        for (int row : majority.subList(0, keep)) {
            kept[next++] = row;
        }
        Arrays.sort(kept);
        return kept;
    }

    private static void markShare(List<Integer> rows, double share, Random random,
            boolean[] marks) {
        Collections.shuffle(rows, random);
        int count = (int) Math.round(rows.size() * share);
        for (int row : rows.subList(0, count)) {
            marks[row] = true;
        }
    }

    private static List<Integer> allRows(int rows) {
        List<Integer> all = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            all.add(row);
        }
        return all;
    }

    private static List<Integer> rowsLabelled(float[] labels, float label) {
        List<Integer> rows = new ArrayList<>();
        for (int row = 0; row < labels.length; row++) {
            if (labels[row] == label) {
                rows.add(row);
            }
        }
        return rows;
    }
}
