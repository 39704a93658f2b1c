package io.mlmesh.core.transform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hipparchus.stat.descriptive.moment.Mean;
import org.hipparchus.stat.descriptive.moment.StandardDeviation;
import org.hipparchus.stat.descriptive.rank.Percentile;

/**
 * Computes what a fitted transform learns from its column's training values. The values are
 * sorted before anything is summed (Hipparchus' two-pass mean and deviation, its R-7
 * percentiles), and vocabularies are ranked by count and value, so the state depends only on
 * which values the training rows hold, never on their order: fitting the same rows, in any
 * order, gives the same state bit for bit.
 */
final class TransformFitter {

    private TransformFitter() {
    }

    /** The transform's vocabulary from its column's training texts (null or empty: missing). */
    static Vocabulary vocabulary(FeatureTransform transform, List<String> texts) {
        if (transform.kind() == TransformKind.CATEGORY_INDEX) {
            return Vocabulary.of(texts);
        }
        return Vocabulary.ranked(texts, transform.maxVocabularySize());
    }

    /**
     * The statistics of a numeric transform's column; NaN and infinite values are left out.
     *
     * @throws IllegalArgumentException when no training value is finite
     */
    static NumericFit numbers(FeatureTransform transform, double[] values) {
        double[] finite = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (finite.length == 0) {
            throw new IllegalArgumentException("transform " + transform.name() + " ("
                    + transform.kind() + "): column " + transform.column()
                    + " has no finite value in the " + values.length + " training rows");
        }
        double min = finite[0];
        double max = finite[finite.length - 1];
        List<Double> edges = transform.kind() == TransformKind.BUCKETIZE
                ? bucketEdges(finite, transform.buckets()) : List.of();
        return new NumericFit(finite.length, new Mean().evaluate(finite),
                new StandardDeviation(false).evaluate(finite), min, max, edges);
    }

    /** The distinct quantiles at {@code i / buckets}, {@code i} from 1 to {@code buckets - 1}. */
    private static List<Double> bucketEdges(double[] finite, int buckets) {
        Percentile quantiles = new Percentile()
                .withEstimationType(Percentile.EstimationType.R_7);
        quantiles.setData(finite);
        List<Double> edges = new ArrayList<>(buckets - 1);
        for (int i = 1; i < buckets; i++) {
            double edge = quantiles.evaluate(100.0 * i / buckets);
            if (edges.isEmpty() || edges.get(edges.size() - 1) < edge) {
                edges.add(edge);
            }
        }
        return edges;
    }
}
