package io.mlmesh.core.transform;

/**
 * Read access to one row by column name, the single input shape of {@link FeatureVectorizer}.
 *
 * <p>Training wraps a column batch and moves a cursor; serving wraps one request's fields and
 * its online features. Both feed the same vectorizer, which is what keeps offline and online
 * vectors equal.
 */
public interface RowView {

    /** The column's number, or NaN when it is missing. */
    double number(String column);

    /** The column's text, or {@code null} when it is missing. */
    String text(String column);

    /** The column's time in microseconds since the epoch (UTC), or {@link Long#MIN_VALUE}. */
    long timeMicros(String column);

    /** The value {@link #timeMicros} returns for a missing time. */
    long MISSING_TIME = Long.MIN_VALUE;
}
