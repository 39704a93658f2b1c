package io.mlmesh.training.job;

import io.mlmesh.training.data.FeatureMatrix;
import io.mlmesh.training.data.LabelRule;
import io.mlmesh.training.data.MatrixBuilder;
import io.mlmesh.training.data.RowSampling;
import io.mlmesh.training.data.TrainingSet;
import io.mlmesh.training.v1.DataPreparation;
import io.mlmesh.training.v1.ImbalanceKind;
import io.mlmesh.training.v1.ImbalanceSpec;
import io.mlmesh.training.v1.InputMissingShare;
import io.mlmesh.training.v1.SplitKind;
import io.mlmesh.training.v1.SplitSpec;
import java.util.List;

/**
 * The spec's split and class-imbalance handling, applied to a job's data, and the record of
 * what they did. The split cuts the training set before the transforms are fitted, so that
 * fitted state (vocabularies, means) never sees a test row; down-sampling cuts the train matrix
 * only, never the test rows.
 */
public final class DataSplits {

    /** What the engine reads as missing, recorded with every run. */
    public static final String MISSING_VALUE = "NaN";

    private DataSplits() {
    }

    /** Whether the spec cuts its test rows out of the train request's rows. */
    public static boolean cutsTestFromTrain(SplitSpec split) {
        return split.getKind() == SplitKind.SPLIT_KIND_RANDOM
                || split.getKind() == SplitKind.SPLIT_KIND_STRATIFIED;
    }

    /** The train and test parts of {@code rows}, by a random or stratified draw. */
    public static TrainingSet[] split(SplitSpec split, TrainingSet rows, LabelRule label) {
        boolean[] testRows = split.getKind() == SplitKind.SPLIT_KIND_STRATIFIED
                ? RowSampling.stratifiedTestRows(MatrixBuilder.labels(rows, label),
                        split.getTestFraction(), split.getSeed())
                : RowSampling.randomTestRows(rows.rowCount(), split.getTestFraction(),
                        split.getSeed());
        return new TrainingSet[] {rows.select(testRows, false), rows.select(testRows, true)};
    }

    /** The train rows the imbalance handling keeps: all but under down-sampling. */
    public static FeatureMatrix sample(ImbalanceSpec imbalance, FeatureMatrix train) {
        if (imbalance.getKind() != ImbalanceKind.IMBALANCE_KIND_DOWNSAMPLE) {
            return train;
        }
        return train.select(RowSampling.downsampleMajority(train.labels(),
                imbalance.getMajorityRatio(), imbalance.getSeed()));
    }

    /**
     * The positive class's weight: negatives over positives of the train rows under class
     * weights, else 1.
     *
     * @throws JobFailedException when class weights meet train rows of one class only
     */
    public static double positiveWeight(ImbalanceSpec imbalance, FeatureMatrix train) {
        if (imbalance.getKind() != ImbalanceKind.IMBALANCE_KIND_CLASS_WEIGHTS) {
            return 1;
        }
        long positives = train.positives();
        long negatives = train.rows() - positives;
        if (positives == 0 || negatives == 0) {
            throw new JobFailedException("class weights need both classes in the train rows,"
                    + " got " + positives + " positives and " + negatives + " negatives");
        }
        return (double) negatives / positives;
    }

    /** The record of what was done: row counts, the positive weight, missing inputs. */
    public static DataPreparation record(FeatureMatrix before, FeatureMatrix after,
            double positiveWeight, List<String> inputNames) {
        DataPreparation.Builder record = DataPreparation.newBuilder()
                .setTrainRowsBeforeSampling(before.rows())
                .setTrainRows(after.rows())
                .setPositiveShareBeforeSampling(before.positiveShare())
                .setPositiveWeight(positiveWeight)
                .setMissingValue(MISSING_VALUE);
        double[] missing = after.missingShares();
        for (int input = 0; input < missing.length; input++) {
            record.addMissingInputs(InputMissingShare.newBuilder()
                    .setInput(inputNames.get(input))
                    .setMissingShare(missing[input]));
        }
        return record.build();
    }
}
