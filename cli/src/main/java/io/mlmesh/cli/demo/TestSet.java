package io.mlmesh.cli.demo;

import io.mlmesh.featurestore.v1.Column;
import io.mlmesh.featurestore.v1.FeatureStoreGrpc;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.TrainingSetChunk;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The June rows the demo replays, read from the feature store with the very request the
 * training job evaluated on, so that the content hashes can be compared.
 *
 * @param rows the flights in the order the feature store streamed them (time order)
 * @param contentSha256 the feature store's digest of the rows
 */
record TestSet(List<FlightRow> rows, String contentSha256) {

    static TestSet fetch(FeatureStoreGrpc.FeatureStoreBlockingStub features,
            GetTrainingSetRequest request) {
        List<FlightRow> rows = new ArrayList<>();
        String digest = "";
        Iterator<TrainingSetChunk> chunks = features.getTrainingSet(request);
        while (chunks.hasNext()) {
            TrainingSetChunk chunk = chunks.next();
            addRows(chunk, rows);
            if (chunk.hasSummary()) {
                digest = chunk.getSummary().getContentSha256();
            }
        }
        return new TestSet(List.copyOf(rows), digest);
    }

    int[] labels() {
        return rows.stream().mapToInt(FlightRow::late).toArray();
    }

    private static void addRows(TrainingSetChunk chunk, List<FlightRow> rows) {
        Map<String, Column> columns = new HashMap<>();
        chunk.getColumnsList().forEach(column -> columns.put(column.getName(), column));
        for (int i = 0; i < chunk.getRowCount(); i++) {
            double[] features = new double[FlightsDemo.VIEW_FEATURES.size()];
            for (int f = 0; f < features.length; f++) {
                String name = FlightsDemo.VIEW + "__" + FlightsDemo.VIEW_FEATURES.get(f);
                features[f] = columns.get(name).getDoubles(i);
            }
            double delay = columns.get("delay").getDoubles(i);
            rows.add(new FlightRow(
                    columns.get("date").getTimestampsMicros(i),
                    columns.get("origin").getStrings(i),
                    columns.get("destination").getStrings(i),
                    columns.get("distance").getDoubles(i),
                    delay > 15 ? 1 : 0,
                    features));
        }
    }
}
