package io.mlmesh.cli.demo;

/**
 * One flight of the test month as the feature store's training set gives it: the flight's own
 * fields, its label, and the online features its offline row holds (NaN when missing).
 *
 * @param timeMicros departure time, microseconds since the epoch (UTC)
 * @param offlineFeatures the view's features in the view's order, from the offline join
 */
record FlightRow(long timeMicros, String origin, String destination, double distance,
        int late, double[] offlineFeatures) {
}
