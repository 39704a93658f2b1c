package io.mlmesh.cli.demo;

import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.training.v1.DatasetSummary;
import io.mlmesh.training.v1.GetJobRequest;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobEvent;
import io.mlmesh.training.v1.JobSpec;
import io.mlmesh.training.v1.JobState;
import io.mlmesh.training.v1.LabelSpec;
import io.mlmesh.training.v1.ModelFamily;
import io.mlmesh.training.v1.SubmitJobRequest;
import io.mlmesh.training.v1.TrainingGrpc;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Trains one model of the flights demo: the same training and test rows, label and transforms
 * for every family, so that the versions an endpoint splits traffic between differ only in
 * the model. Prints the job's progress as it streams back.
 */
final class DemoTraining {

    private final TrainingGrpc.TrainingBlockingStub training;
    private final FeatureView view;
    private final MonthSplit split;
    private final DemoOptions options;
    private final PrintStream out;

    DemoTraining(TrainingGrpc.TrainingBlockingStub training, FeatureView view, MonthSplit split,
            DemoOptions options, PrintStream out) {
        this.training = training;
        this.view = view;
        this.split = split;
        this.options = options;
        this.out = out;
    }

    /**
     * Trains, evaluates on the test month and registers a model version; waits for the job.
     *
     * @param title how the demo names the model in its output, for example "XGBoost"
     * @throws IllegalStateException when the job does not succeed
     */
    Job train(String title, ModelFamily family, Map<String, String> params) {
        JobSpec spec = JobSpec.newBuilder()
                .setModelName(FlightsDemo.MODEL)
                .setTrain(FlightsDemo.trainingSetRequest(view, split.trainStart(),
                        split.testStart(), options.trainFraction()))
                .setTest(FlightsDemo.testRequest(view, split, options))
                .setLabel(LabelSpec.newBuilder().setColumn("delay")
                        .setThreshold(FlightsDemo.LATE_MINUTES))
                .addAllTransforms(FlightsDemo.transforms(family == ModelFamily.MODEL_FAMILY_MLP))
                .setFamily(family)
                .putAllParams(params)
                .setRegister(true)
                .setDescription("flights demo: late (> 15 min) from origin history and schedule")
                .build();
        long startNanos = System.nanoTime();
        Job job = training.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build());
        out.printf("%n[training] job %s submitted: %s %s, train %s (%s of flights),"
                + " test %s (%s)%n", job.getId(), title, params, split.trainMonths(),
                FlightsDemo.percent(options.trainFraction()), split.testMonth(),
                FlightsDemo.percent(options.testFraction()));

        Job last = awaitEnd(job, family == ModelFamily.MODEL_FAMILY_MLP);
        printDatasets(last);
        out.printf("[training] test metrics: AUC %.6f, log loss %.6f, accuracy %.4f; job took"
                + " %.1f s; registered v%d%n", last.getMetricsOrThrow("auc"),
                last.getMetricsOrThrow("log_loss"), last.getMetricsOrThrow("accuracy"),
                (System.nanoTime() - startNanos) / 1e9, last.getRegisteredVersion());
        return last;
    }

    /** @param epochs whether the job's steps are epochs (the MLP) rather than boosting rounds */
    private Job awaitEnd(Job job, boolean epochs) {
        Job last = job;
        Iterator<JobEvent> events = training.watchJob(
                GetJobRequest.newBuilder().setId(job.getId()).build());
        while (events.hasNext()) {
            last = printProgress(last, events.next().getJob(), epochs);
        }
        last = training.getJob(GetJobRequest.newBuilder().setId(job.getId()).build());
        if (last.getState() != JobState.JOB_STATE_SUCCEEDED) {
            throw new IllegalStateException("training job " + last.getId() + " ended "
                    + last.getState() + ": " + last.getError());
        }
        return last;
    }

    private Job printProgress(Job previous, Job current, boolean epochs) {
        if (current.getState() != previous.getState()) {
            out.printf("[training]   %s%n", current.getState().name()
                    .replace("JOB_STATE_", "").toLowerCase(Locale.ROOT));
        }
        int step = current.getProgress().getStep();
        int total = current.getProgress().getTotalSteps();
        if (step != previous.getProgress().getStep()
                && (step % 20 == 0 || step == total || epochs)) {
            out.printf("[training]   %s %3d/%d  train log loss %.5f  test log loss %.5f%n",
                    epochs ? "epoch" : "round", step, total,
                    current.getProgress().getTrainLoss(),
                    current.getProgress().getValidationLoss());
        }
        return current;
    }

    private void printDatasets(Job job) {
        for (DatasetSummary dataset : job.getDatasetsList()) {
            out.printf("[training] %-5s %,9d rows, %.1f%% late, sha256 %s…%n",
                    dataset.getRole(), dataset.getRowCount(), 100 * dataset.getPositiveShare(),
                    dataset.getContentSha256().substring(0, 12));
        }
    }
}
