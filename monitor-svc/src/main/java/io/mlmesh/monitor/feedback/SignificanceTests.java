package io.mlmesh.monitor.feedback;

import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.stat.descriptive.moment.Variance;
import org.hipparchus.stat.ranking.NaNStrategy;
import org.hipparchus.stat.ranking.NaturalRanking;
import org.hipparchus.stat.ranking.TiesStrategy;

/**
 * Whether two variants' live quality differs by more than chance. Variants serve different
 * requests, so the samples are independent and each test is the unpaired form.
 *
 * <p>AUC: DeLong, DeLong and Clarke-Pearson (1988). Each positive's structural component is
 * the share of negatives it outranks (ties count half), each negative's the share of positives
 * outranking it; the AUC's variance is var(positive components) / positives + var(negative
 * components) / negatives. The components come from mid-ranks (Sun and Xu, 2014): a positive
 * outranks (its rank among all rows - its rank among positives) negatives, which is
 * O(n log n) instead of comparing every pair. The difference of two independent AUCs over the
 * root of the summed variances is standard normal under the null hypothesis.
 *
 * <p>Accuracy: the pooled two-proportion z-test. Ranks, variances and normal probabilities
 * come from Hipparchus.
 */
public final class SignificanceTests {

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(0, 1);
    private static final NaturalRanking MID_RANKS =
            new NaturalRanking(NaNStrategy.FIXED, TiesStrategy.AVERAGE);

    private SignificanceTests() {
    }

    /**
     * DeLong's variance of the AUC of {@code scores} against 0/1 {@code labels}; NaN when there
     * are fewer than two positives or two negatives.
     */
    public static double aucVariance(double[] scores, int[] labels) {
        int positives = 0;
        for (int label : labels) {
            positives += label;
        }
        int negatives = labels.length - positives;
        if (positives < 2 || negatives < 2) {
            return Double.NaN;
        }

        double[] positiveScores = new double[positives];
        double[] negativeScores = new double[negatives];
        split(scores, labels, positiveScores, negativeScores);
        double[] allRanks = MID_RANKS.rank(scores);
        double[] positiveRanks = MID_RANKS.rank(positiveScores);
        double[] negativeRanks = MID_RANKS.rank(negativeScores);

        double[] positiveComponents = new double[positives];
        double[] negativeComponents = new double[negatives];
        int p = 0;
        int n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (labels[i] == 1) {
                positiveComponents[p] = (allRanks[i] - positiveRanks[p]) / negatives;
                p++;
            } else {
                negativeComponents[n] = 1 - (allRanks[i] - negativeRanks[n]) / positives;
                n++;
            }
        }
        return new Variance().evaluate(positiveComponents) / positives
                + new Variance().evaluate(negativeComponents) / negatives;
    }

    /**
     * Two-sided p-value of DeLong's test that two independent AUCs are equal; NaN when a
     * variance is NaN or both are 0.
     */
    public static double aucPValue(double aucA, double varianceA, double aucB,
            double varianceB) {
        double standardError = Math.sqrt(varianceA + varianceB);
        if (Double.isNaN(standardError) || standardError == 0) {
            return Double.NaN;
        }
        return twoSided((aucA - aucB) / standardError);
    }

    /**
     * Two-sided p-value of the pooled two-proportion z-test; NaN when the pooled share is 0 or
     * 1 (no variance) or a sample is empty.
     */
    public static double proportionPValue(long successesA, long countA, long successesB,
            long countB) {
        if (countA == 0 || countB == 0) {
            return Double.NaN;
        }

        double pooled = (double) (successesA + successesB) / (countA + countB);
        double standardError = Math.sqrt(pooled * (1 - pooled)
                * (1.0 / countA + 1.0 / countB));
        if (standardError == 0) {
            return Double.NaN;
        }
        double difference = (double) successesA / countA - (double) successesB / countB;
        return twoSided(difference / standardError);
    }

    private static double twoSided(double z) {
        return Math.min(1, 2 * STANDARD_NORMAL.cumulativeProbability(-Math.abs(z)));
    }

    private static void split(double[] scores, int[] labels, double[] positiveScores,
            double[] negativeScores) {
        int p = 0;
        int n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (labels[i] == 1) {
                positiveScores[p++] = scores[i];
            } else {
                negativeScores[n++] = scores[i];
            }
        }
    }
}
