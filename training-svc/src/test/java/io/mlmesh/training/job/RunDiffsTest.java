package io.mlmesh.training.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.MetricDiff;
import io.mlmesh.training.v1.RunDiff;
import io.mlmesh.training.v1.SplitKind;
import io.mlmesh.training.v1.SplitSpec;
import io.mlmesh.training.v1.ValueDiff;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunDiffsTest {

    private static final JobSpec SPEC = JobSpec.newBuilder()
            .setModelName("flights-delay")
            .setTrain(GetTrainingSetRequest.newBuilder().setSource("flights")
                    .setEnd(Timestamp.newBuilder().setSeconds(983_404_800)))
            .putParams("eta", "0.1")
            .putParams("max_depth", "6")
            .putTags("team", "ops")
            .build();

    @Test
    void diff_changedParamsMetricsTagsAndSpec_listsOnlyWhatDiffers() {
        Job a = Job.newBuilder().setId("run-a").setSpec(SPEC).putMetrics("auc", 0.70)
                .putMetrics("log_loss", 0.45).putAllTags(SPEC.getTagsMap()).build();
        JobSpec changed = SPEC.toBuilder().putParams("eta", "0.3").putParams("seed", "7")
                .putTags("team", "risk")
                .setSplit(SplitSpec.newBuilder().setKind(SplitKind.SPLIT_KIND_STRATIFIED)
                        .setSeed(5))
                .setTrain(SPEC.getTrain().toBuilder().clearEnd())
                .build();
        Job b = Job.newBuilder().setId("run-b").setSpec(changed).putMetrics("auc", 0.72)
                .putMetrics("log_loss", 0.45).putAllTags(changed.getTagsMap()).build();

        RunDiff diff = RunDiffs.diff(a, b);

        assertEquals("run-a", diff.getRunA());
        assertEquals(List.of(value("eta", "0.1", "0.3"), value("seed", "", "7")),
                diff.getParamsList());
        assertEquals(1, diff.getMetricsCount());
        MetricDiff auc = diff.getMetrics(0);
        assertEquals("auc", auc.getName());
        assertEquals(0.02, auc.getDelta(), 1e-12);
        assertEquals(List.of(value("team", "ops", "risk")), diff.getTagsList());
        assertEquals(List.of(value("split.kind", "", "SPLIT_KIND_STRATIFIED"),
                value("split.seed", "", "5"), value("train.end", "2001-03-01T00:00:00Z", "")),
                diff.getConfigList());
    }

    @Test
    void diff_sameRun_empty() {
        Job a = Job.newBuilder().setId("run-a").setSpec(SPEC).putMetrics("auc", Double.NaN)
                .build();

        RunDiff diff = RunDiffs.diff(a, a);

        assertTrue(diff.getParamsList().isEmpty() && diff.getMetricsList().isEmpty()
                && diff.getTagsList().isEmpty() && diff.getConfigList().isEmpty(),
                diff.toString());
    }

    private static ValueDiff value(String name, String a, String b) {
        return ValueDiff.newBuilder().setName(name).setA(a).setB(b).build();
    }
}
