package io.mlmesh.training.mlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.mlmesh.core.metrics.BinaryMetrics;
import io.mlmesh.core.mlp.DjlRuntime;
import io.mlmesh.core.mlp.MlpInputLayout;
import io.mlmesh.core.mlp.MlpNetwork;
import io.mlmesh.core.transform.FeatureTransform;
import io.mlmesh.core.transform.FeatureVectorizer;
import io.mlmesh.core.transform.TransformKind;
import io.mlmesh.training.FlightsCsv;
import io.mlmesh.training.data.FeatureMatrix;
import io.mlmesh.training.data.LabelRule;
import io.mlmesh.training.data.MatrixBuilder;
import io.mlmesh.training.data.TrainingSet;
import io.mlmesh.training.xgboost.TrainedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MLP on the real flights sample: it learns, reports epochs, repeats itself, reloads. */
class MlpTrainerTest {

    private static final List<FeatureTransform> TRANSFORMS = List.of(
            new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date"),
            new FeatureTransform("weekday", TransformKind.DAY_OF_WEEK, "date"),
            new FeatureTransform("distance", TransformKind.STANDARDIZE, "distance"),
            new FeatureTransform("origin", TransformKind.INTEGER_ENCODING, "origin"),
            new FeatureTransform("destination", TransformKind.INTEGER_ENCODING, "destination"),
            new FeatureTransform("origin_late_share", TransformKind.STANDARDIZE,
                    FlightsCsv.FEATURE_COLUMN));
    private static final LabelRule LATE = new LabelRule("delay", FlightsCsv.LATE_MINUTES);

    private static FeatureMatrix train;
    private static FeatureMatrix test;
    private static MlpInputLayout layout;

    private final MlpTrainer trainer = new MlpTrainer(DjlRuntime.DeviceSetting.AUTO,
            Optional.empty());

    @BeforeAll
    static void readFlights() {
        List<FlightsCsv.Flight> flights = FlightsCsv.read();
        TrainingSet trainSet = FlightsCsv.trainingSet(flights.subList(0, 15_000));
        TrainingSet testSet = FlightsCsv.trainingSet(flights.subList(15_000, flights.size()));
        FeatureVectorizer vectorizer = MatrixBuilder.fit(TRANSFORMS, trainSet);
        train = MatrixBuilder.build(trainSet, vectorizer, LATE);
        test = MatrixBuilder.build(testSet, vectorizer, LATE);
        layout = MlpInputLayout.of(vectorizer);
    }

    @Test
    void train_realFlights_learnsReportsEveryEpochAndRepeatsWithTheSeed() {
        MlpParams params = MlpParams.of(MlpParams.withDefaults(Map.of("epochs", "4")));
        List<double[]> epochs = new ArrayList<>();

        TrainedModel model = trainer.train(train, test, layout, params,
                (epoch, total, trainLoss, validationLoss) ->
                        epochs.add(new double[] {epoch, total, trainLoss, validationLoss}));
        TrainedModel again = trainer.train(train, test, layout, params, (e, t, a, b) -> { });

        double auc = BinaryMetrics.auc(model.testScores(), test.intLabels());
        assertTrue(auc > 0.6, "held-out AUC " + auc);
        assertEquals(4, epochs.size());
        assertEquals(4, epochs.get(3)[1]);
        assertTrue(epochs.get(3)[2] < epochs.get(0)[2], "train loss falls over epochs");
        assertArrayEquals(model.modelBytes(), again.modelBytes(), "same seed, same weights");
        assertArrayEquals(model.testScores(), again.testScores());
    }

    @Test
    void train_savedWeights_reloadToTheSameScoresAndSeedMatters() {
        MlpParams params = MlpParams.of(MlpParams.withDefaults(Map.of("epochs", "1")));
        MlpParams otherSeed = MlpParams.of(MlpParams.withDefaults(Map.of("epochs", "1",
                "seed", "7")));

        TrainedModel model = trainer.train(train, test, layout, params, (e, t, a, b) -> { });
        TrainedModel other = trainer.train(train, test, layout, otherSeed, (e, t, a, b) -> { });

        Engine engine = DjlRuntime.pytorch(Optional.empty());
        try (NDManager manager = engine.newBaseManager()) {
            MlpNetwork network = MlpNetwork.decode(manager, layout, model.modelBytes());
            float[] reloaded = network.probabilities(manager, test.values(), test.rows());
            for (int row = 0; row < test.rows(); row++) {
                assertEquals(model.testScores()[row], reloaded[row], 1e-6, "row " + row);
            }
        }
        assertNotEquals(model.testScores()[0], other.testScores()[0]);
    }

    @Test
    void decode_weightsOfAnotherLayout_refusedNamingTheMismatch() {
        MlpParams params = MlpParams.of(MlpParams.withDefaults(Map.of("epochs", "1")));
        TrainedModel model = trainer.train(train, test, layout, params, (e, t, a, b) -> { });
        FeatureVectorizer narrower = new FeatureVectorizer(List.of(
                new FeatureTransform("hour", TransformKind.HOUR_OF_DAY, "date")), Map.of());

        try (NDManager manager = DjlRuntime.pytorch(Optional.empty()).newBaseManager()) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> MlpNetwork.decode(manager, MlpInputLayout.of(narrower),
                            model.modelBytes()));
            assertTrue(refused.getMessage().contains("dense layer 0"), refused.getMessage());
        }
    }

    @Test
    void params_badValues_refusedNamingTheParameter() {
        IllegalArgumentException epochs = assertThrows(IllegalArgumentException.class,
                () -> MlpParams.withDefaults(Map.of("epochs", "0")));
        IllegalArgumentException hidden = assertThrows(IllegalArgumentException.class,
                () -> MlpParams.withDefaults(Map.of("hidden_units", "64,x")));
        IllegalArgumentException weight = assertThrows(IllegalArgumentException.class,
                () -> MlpParams.withDefaults(Map.of("pos_weight", "-1")));

        assertTrue(epochs.getMessage().startsWith("epochs"), epochs.getMessage());
        assertTrue(hidden.getMessage().startsWith("hidden_units"), hidden.getMessage());
        assertTrue(weight.getMessage().startsWith("pos_weight"), weight.getMessage());
        MlpParams balanced = MlpParams.of(MlpParams.withDefaults(Map.of("pos_weight",
                "balanced")));
        assertEquals(4f, balanced.positiveWeightFor(0.2), 1e-6);
        assertEquals(List.of(64, 32), balanced.hiddenUnits());
    }
}
