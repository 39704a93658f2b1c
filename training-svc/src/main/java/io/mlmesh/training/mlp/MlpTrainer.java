package io.mlmesh.training.mlp;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.mlmesh.core.metrics.BinaryMetrics;
import io.mlmesh.core.mlp.DjlRuntime;
import io.mlmesh.core.mlp.MlpInputLayout;
import io.mlmesh.core.mlp.MlpNetwork;
import io.mlmesh.training.data.FeatureMatrix;
import io.mlmesh.training.xgboost.RoundListener;
import io.mlmesh.training.xgboost.TrainedModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.jboss.logging.Logger;

/**
 * Trains the MLP family with DJL on PyTorch: mini-batch Adam on the (optionally
 * positive-weighted) binary cross-entropy of the logits, epoch after epoch, reporting each
 * epoch's train loss (the weighted mean over its batches) and validation log loss on the test
 * rows, as XGBoost reports each round.
 *
 * <p>Determinism: the initial weights and each epoch's shuffle come from {@link Random} with the
 * job's seed, not from the engine's generator, and there is no dropout, so two runs on the same
 * rows, engine and device give the same weights (checked by {@code MlpTrainerTest} on the CPU).
 *
 * <p>Memory: each batch's arrays live in a sub-manager closed after its step; the weights and
 * Adam's state live in the job's manager, closed when training ends, after the weights were
 * encoded. The engine loads on the first job (so a service that never trains an MLP never
 * unpacks libtorch), on the device {@link DjlRuntime#device} picks, logged at INFO.
 *
 * <p>One job at a time: PyTorch's gradient recording is one per process.
 */
@ApplicationScoped
public class MlpTrainer {

    private static final Logger LOG = Logger.getLogger(MlpTrainer.class);
    private static final int SCORING_BATCH_ROWS = 4096;

    private final DjlRuntime.DeviceSetting setting;
    private final Optional<Path> cacheDir;
    private DjlRuntime.Placement placement;

    @Inject
    public MlpTrainer(MlpDeviceConfig config) {
        this(DjlRuntime.DeviceSetting.parse(config.device()), config.cacheDir());
    }

    /**
     * A trainer on an explicit device setting.
     *
     * @param cacheDir where libtorch is unpacked; empty: DJL's default
     */
    public MlpTrainer(DjlRuntime.DeviceSetting setting, Optional<Path> cacheDir) {
        this.setting = setting;
        this.cacheDir = cacheDir;
    }

    /**
     * Trains on {@code train}, reporting each epoch, then scores {@code test}.
     *
     * @param layout how the matrices' columns feed the network
     * @param listener told after every epoch; may throw to stop training
     * @throws IllegalStateException when the configured device is not there
     */
    public synchronized TrainedModel train(FeatureMatrix train, FeatureMatrix test,
            MlpInputLayout layout, MlpParams params, RoundListener listener) {
        loadEngine();
        Engine engine = placement.engine();
        Device device = placement.device();
        float positiveWeight = params.positiveWeightFor(train.positiveShare());
        LOG.infof("mlp training rows=%d inputs=%d numeric=%d embeddings=%d hidden=%s"
                + " epochs=%d batch_size=%d pos_weight=%.4f device=%s", train.rows(),
                layout.width(), layout.numericWidth(), layout.embeddings().size(),
                params.hiddenUnits(), params.epochs(), params.batchSize(), positiveWeight, device);

        try (NDManager manager = engine.newBaseManager(device)) {
            MlpNetwork network = MlpNetwork.initial(manager, layout, params.embeddingDim(),
                    params.hiddenUnits(), params.seed());
            network.weights().forEach(weight -> weight.setRequiresGradient(true));
            Optimizer adam = Optimizer.adam()
                    .optLearningRateTracker(Tracker.fixed(params.learningRate()))
                    .build();
            Random shuffle = new Random(params.seed());
            int[] order = identity(train.rows());
            double[] testScores = new double[0];
            for (int epoch = 1; epoch <= params.epochs(); epoch++) {
                shuffleInPlace(order, shuffle);
                double trainLoss = epoch(engine, manager, network, adam, train, order,
                        params.batchSize(), positiveWeight);
                testScores = scores(manager, network, test);
                listener.onRound(epoch, params.epochs(), trainLoss,
                        BinaryMetrics.logLoss(testScores, test.intLabels()));
            }
            return new TrainedModel(network.encode(), testScores, new double[0]);
        }
    }

    private static double epoch(Engine engine, NDManager manager, MlpNetwork network,
            Optimizer adam, FeatureMatrix train, int[] order, int batchSize, float positiveWeight) {
        double weightedLoss = 0;
        for (int start = 0; start < order.length; start += batchSize) {
            int rows = Math.min(batchSize, order.length - start);
            try (NDManager batch = manager.newSubManager()) {
                float[] labels = new float[rows];
                float[] vectors = gather(train, order, start, rows, labels);
                NDList inputs = MlpNetwork.inputs(batch, network.layout(), vectors, rows);
                NDArray target = batch.create(labels, new Shape(rows));
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray loss = weightedCrossEntropy(
                            network.logits(inputs.get(0), inputs.get(1)), target,
                            positiveWeight);
                    collector.backward(loss);
                    weightedLoss += loss.getFloat() * rows;
                }
                step(adam, network.weights());
            }
        }
        return weightedLoss / order.length;
    }

    /**
     * Mean over the rows of {@code w·y·softplus(-x) + (1-y)·softplus(x)}, the logistic loss of
     * logit x with positives weighted by w; softplus(x) = max(x, 0) + log(1 + exp(-|x|)) never
     * overflows.
     */
    private static NDArray weightedCrossEntropy(NDArray logits, NDArray labels,
            float positiveWeight) {
        NDArray tail = logits.abs().neg().exp().add(1).log();
        NDArray softplusPositive = Activation.relu(logits).add(tail);
        NDArray softplusNegative = Activation.relu(logits.neg()).add(tail);
        return labels.mul(positiveWeight).mul(softplusNegative)
                .add(labels.neg().add(1).mul(softplusPositive))
                .mean();
    }

    private static void step(Optimizer adam, NDList weights) {
        for (NDArray weight : weights) {
            try (NDArray gradient = weight.getGradient()) {
                adam.update(weight.getName(), weight, gradient);
                gradient.subi(gradient);
            }
        }
    }

    private static double[] scores(NDManager manager, MlpNetwork network, FeatureMatrix matrix) {
        double[] scores = new double[matrix.rows()];
        int width = matrix.width();
        for (int start = 0; start < matrix.rows(); start += SCORING_BATCH_ROWS) {
            int rows = Math.min(SCORING_BATCH_ROWS, matrix.rows() - start);
            float[] vectors = new float[rows * width];
            System.arraycopy(matrix.values(), start * width, vectors, 0, rows * width);
            try (NDManager batch = manager.newSubManager()) {
                float[] probabilities = network.probabilities(batch, vectors, rows);
                for (int row = 0; row < rows; row++) {
                    scores[start + row] = probabilities[row];
                }
            }
        }
        return scores;
    }

    private static float[] gather(FeatureMatrix matrix, int[] order, int start, int rows,
            float[] labels) {
        int width = matrix.width();
        float[] vectors = new float[rows * width];
        for (int row = 0; row < rows; row++) {
            int source = order[start + row];
            System.arraycopy(matrix.values(), source * width, vectors, row * width, width);
            labels[row] = matrix.labels()[source];
        }
        return vectors;
    }

    private static int[] identity(int size) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        return order;
    }

    /** Fisher-Yates with the job's generator, so the order depends on the seed only. */
    private static void shuffleInPlace(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int kept = order[i];
            order[i] = order[j];
            order[j] = kept;
        }
    }

    private void loadEngine() {
        if (placement == null) {
            placement = DjlRuntime.place(setting, cacheDir);
            LOG.infof("djl engine loaded %s", placement.describe());
        }
    }
}
