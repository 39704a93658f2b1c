package io.mlmesh.training.job;

import com.google.protobuf.Timestamp;
import io.mlmesh.training.data.CrossValidation;
import io.mlmesh.training.data.FeatureMatrix;
import io.mlmesh.training.v1.CrossValidationKind;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobState;
import io.mlmesh.training.v1.MetricPoint;
import io.mlmesh.training.v1.SearchKind;
import io.mlmesh.training.v1.TuningResult;
import io.mlmesh.training.v1.TuningSpec;
import io.mlmesh.training.xgboost.XgboostParams;
import io.mlmesh.training.xgboost.XgboostTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.hipparchus.stat.descriptive.moment.StandardDeviation;
import org.jboss.logging.Logger;

/**
 * A parameter search: each trial's parameters are cross-validated on the train rows, every fold
 * early-stopped on its validation loss, and the trial is stored as a finished child run of the
 * job (its parameters, mean and spread of the folds' best validation log loss, mean best round,
 * and each fold's validation loss per round). The best trial has the lowest mean loss.
 *
 * <p>Design: trials run inline on the job runner's thread, one after the other, so a search
 * spreads over the cores of {@code nthread} like any job and a cancel stops it after the
 * current round. The budget (trials, minutes) is checked before each trial: a trial that has
 * started is finished.
 */
final class Tuner {

    private static final Logger LOG = Logger.getLogger(Tuner.class);
    private static final String LOSS = "cv_log_loss";

    private final JobStore store;
    private final XgboostTrainer trainer;

    Tuner(JobStore store, XgboostTrainer trainer) {
        this.store = store;
        this.trainer = trainer;
    }

    /**
     * Runs the search of the job's spec on {@code train}.
     *
     * @param baseParams every trial's parameters before the trial's own values
     * @throws XGBoostError when the engine rejects a trial's parameters
     */
    TuningResult tune(String parentId, Map<String, String> baseParams, FeatureMatrix train,
            Runnable cancelCheck) throws XGBoostError {
        TuningSpec tuning = store.get(parentId).getSpec().getTuning();
        List<CrossValidation.Fold> folds = folds(tuning, train.rows());
        List<Map<String, String>> trials = ParamSearch.trials(tuning);
        long deadline = tuning.getMaxMinutes() > 0
                ? System.nanoTime() + (long) (tuning.getMaxMinutes() * 60e9) : Long.MAX_VALUE;

        TuningResult.Builder result = TuningResult.newBuilder();
        for (Map<String, String> trial : trials) {
            if (System.nanoTime() > deadline) {
                return result.setStoppedBy("max_minutes").build();
            }
            Map<String, String> params = new TreeMap<>(baseParams);
            params.putAll(trial);
            Job child = runTrial(parentId, result.getTrials() + 1, params, train, folds,
                    cancelCheck);
            result.setTrials(result.getTrials() + 1);
            if (result.getBestRunId().isEmpty()
                    || child.getMetricsOrThrow(LOSS) < result.getBestCvLogLoss()) {
                result.setBestRunId(child.getId()).clearBestParams().putAllBestParams(trial)
                        .setBestCvLogLoss(child.getMetricsOrThrow(LOSS))
                        .setBestRounds((int) Math.max(1,
                                Math.round(child.getMetricsOrThrow("best_rounds"))));
            }
        }
        boolean exhausted = tuning.getSearch() == SearchKind.SEARCH_KIND_GRID
                && trials.size() == ParamSearch.spaceSize(tuning);
        return result.setStoppedBy(exhausted ? "space_exhausted" : "max_trials").build();
    }

    private static List<CrossValidation.Fold> folds(TuningSpec tuning, int rows) {
        if (tuning.getCrossValidation() == CrossValidationKind.CROSS_VALIDATION_KIND_TIME_SERIES) {
            return CrossValidation.timeSeries(rows, tuning.getFolds());
        }
        return CrossValidation.kFold(rows, tuning.getFolds(), tuning.getSeed());
    }

    private Job runTrial(String parentId, int number, Map<String, String> params,
            FeatureMatrix train, List<CrossValidation.Fold> folds, Runnable cancelCheck)
            throws XGBoostError {
        Job parent = store.get(parentId);
        int patience = parent.getSpec().getTuning().getEarlyStoppingRounds();
        List<MetricPoint> history = new ArrayList<>();
        double[] losses = new double[folds.size()];
        double[] rounds = new double[folds.size()];
        Timestamp startedAt = store.now();
        for (int i = 0; i < folds.size(); i++) {
            CrossValidation.Fold fold = folds.get(i);
            String name = "validation_loss_fold_" + (i + 1);
            XgboostTrainer.EarlyStopped stopped = trainer.trainEarlyStopped(
                    train.select(fold.train()), train.select(fold.validation()),
                    new XgboostParams(params), patience,
                    (round, total, trainLoss, validationLoss) -> {
                        history.add(MetricPoint.newBuilder().setName(name).setStep(round)
                                .setValue(validationLoss).build());
                        cancelCheck.run();
                    });
            losses[i] = stopped.bestLoss();
            rounds[i] = stopped.bestRound();
        }
        Job child = store.add(trialRun(parent, number, params)
                .setCreatedAt(startedAt)
                .setFinishedAt(store.now())
                .putMetrics(LOSS, mean(losses))
                .putMetrics(LOSS + "_std", std(losses))
                .putMetrics("best_rounds", mean(rounds))
                .addAllMetricHistory(history)
                .build());
        LOG.infof("job=%s trial=%d run=%s cv_log_loss=%.5f best_rounds=%.1f", parentId, number,
                child.getId(), mean(losses), mean(rounds));
        return child;
    }

    /** A finished child run of the parent with the trial's parameters. */
    private static Job.Builder trialRun(Job parent, int number, Map<String, String> params) {
        Map<String, String> tags = new TreeMap<>(parent.getTagsMap());
        tags.put("trial", Integer.toString(number));
        return Job.newBuilder()
                .setId("run-" + UUID.randomUUID())
                .setSpec(parent.getSpec().toBuilder().clearTuning().setRegister(false)
                        .clearParams().putAllParams(params).clearTags().putAllTags(tags)
                        .setParentRunId(parent.getId()))
                .setState(JobState.JOB_STATE_SUCCEEDED)
                .putAllTags(tags)
                .setParentRunId(parent.getId())
                .setCodeVersion(parent.getCodeVersion())
                .setDatasetVersion(parent.getDatasetVersion())
                .addAllFeatureViews(parent.getFeatureViewsList())
                .setPreparation(parent.getPreparation());
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    /** The population standard deviation: the folds are all there is, not a sample. */
    private static double std(double[] values) {
        return new StandardDeviation(false).evaluate(values);
    }
}
