package io.mlmesh.core.drift;

import java.util.Arrays;

/**
 * The distances between distributions that Hipparchus does not provide, computed as scipy
 * computes them for Evidently: the Wasserstein distance between two empirical distributions,
 * the Jensen-Shannon distance and the population stability index between two share vectors.
 */
final class Distances {

    /**
     * Replaces empty shares so that logarithms stay finite, as Evidently does: an empty bin or
     * a category absent from one side counts as this share.
     */
    static final double EMPTY_SHARE = 0.0001;

    private Distances() {
    }

    /**
     * The first Wasserstein distance between the empirical distributions of two non-empty
     * sorted samples: the area between their cumulative distribution functions.
     */
    static double wasserstein(double[] sortedU, double[] sortedV) {
        double[] all = new double[sortedU.length + sortedV.length];
        System.arraycopy(sortedU, 0, all, 0, sortedU.length);
        System.arraycopy(sortedV, 0, all, sortedU.length, sortedV.length);
        Arrays.sort(all);

        double area = 0;
        int belowU = 0;
        int belowV = 0;
        for (int i = 0; i < all.length - 1; i++) {
            while (belowU < sortedU.length && sortedU[belowU] <= all[i]) {
                belowU++;
            }
            while (belowV < sortedV.length && sortedV[belowV] <= all[i]) {
                belowV++;
            }
            double cdfGap = Math.abs((double) belowU / sortedU.length
                    - (double) belowV / sortedV.length);
            area += cdfGap * (all[i + 1] - all[i]);
        }
        return area;
    }

    /**
     * The Jensen-Shannon distance (square root of the divergence, natural logarithm, at most
     * sqrt(ln 2)) between two share vectors over the same cells; empty shares count as
     * {@link #EMPTY_SHARE}, then both vectors are normalized to sum 1.
     */
    static double jensenShannon(double[] sharesP, double[] sharesQ) {
        double[] p = normalized(withoutEmpty(sharesP));
        double[] q = normalized(withoutEmpty(sharesQ));

        double divergence = 0;
        for (int i = 0; i < p.length; i++) {
            double middle = (p[i] + q[i]) / 2;
            divergence += p[i] * Math.log(p[i] / middle) + q[i] * Math.log(q[i] / middle);
        }
        return Math.sqrt(Math.max(0, divergence / 2));
    }

    /**
     * The population stability index sum((a - e) * ln(a / e)) of actual against expected
     * shares over the same cells; empty shares count as {@link #EMPTY_SHARE}.
     */
    static double populationStabilityIndex(double[] expectedShares, double[] actualShares) {
        double[] expected = withoutEmpty(expectedShares);
        double[] actual = withoutEmpty(actualShares);

        double index = 0;
        for (int i = 0; i < expected.length; i++) {
            index += (actual[i] - expected[i]) * Math.log(actual[i] / expected[i]);
        }
        return index;
    }

    /** Counts as shares of their sum; all zero when the sum is 0. */
    static double[] shares(long[] counts) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        double[] shares = new double[counts.length];
        for (int i = 0; i < counts.length && total > 0; i++) {
            shares[i] = (double) counts[i] / total;
        }
        return shares;
    }

    static double[] withoutEmpty(double[] shares) {
        double[] result = shares.clone();
        for (int i = 0; i < result.length; i++) {
            if (result[i] <= 0) {
                result[i] = EMPTY_SHARE;
            }
        }
        return result;
    }

    static double[] normalized(double[] shares) {
        double total = 0;
        for (double share : shares) {
            total += share;
        }
        double[] result = new double[shares.length];
        for (int i = 0; i < shares.length; i++) {
            result[i] = shares[i] / total;
        }
        return result;
    }
}
