package io.mlmesh.core.mlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The small neural network of the MLP family, as DJL arrays: one embedding table per
 * categorical input, concatenated with the numeric inputs, then dense layers with ReLU between
 * them and one output logit. Training (with gradients) and serving (without) run this same
 * forward pass, so a served score is the training-side score of the same row.
 *
 * <p>The weights are one {@link NDList} of named arrays in a fixed order (the embedding tables
 * in input order, then each dense layer's weight {@code [out, in]} and bias {@code [out]}),
 * stored as DJL's NDList encoding: the bytes of a model bundle's {@code model.bin}, loadable
 * by any DJL engine with {@link NDList#decode}. The layer sizes are read back from the shapes.
 *
 * <p>The forward pass only reads the weights, so many threads may score at once, each with
 * its own arrays.
 */
public final class MlpNetwork {

    private static final String EMBEDDING_PREFIX = "embedding.";
    private static final float EMBEDDING_INIT_RANGE = 0.05f;

    private final MlpInputLayout layout;
    private final NDList weights;

    private MlpNetwork(MlpInputLayout layout, NDList weights) {
        this.layout = layout;
        this.weights = weights;
    }

    /**
     * A network with fresh weights: embeddings uniform in ±0.05, dense weights Glorot-uniform,
     * biases 0, all drawn from a {@link Random} with the given seed, so one seed always gives
     * the same start whatever the engine or device.
     *
     * @param manager owns the weights (and decides their device)
     * @param embeddingDim the width of every embedding
     * @param hiddenUnits the width of each hidden layer, first to last
     */
    public static MlpNetwork initial(NDManager manager, MlpInputLayout layout, int embeddingDim,
            List<Integer> hiddenUnits, long seed) {
        Random random = new Random(seed);
        NDList weights = new NDList();
        for (MlpInputLayout.Embedding embedding : layout.embeddings()) {
            weights.add(uniform(manager, random, new Shape(embedding.rows(), embeddingDim),
                    EMBEDDING_INIT_RANGE, EMBEDDING_PREFIX + embedding.name()));
        }
        int in = layout.numericWidth() + embeddingDim * layout.embeddings().size();
        List<Integer> widths = new ArrayList<>(hiddenUnits);
        widths.add(1);
        for (int layer = 0; layer < widths.size(); layer++) {
            int out = widths.get(layer);
            float range = (float) Math.sqrt(6.0 / (in + out));
            weights.add(uniform(manager, random, new Shape(out, in), range,
                    "dense." + layer + ".weight"));
            NDArray bias = manager.zeros(new Shape(out));
            bias.setName("dense." + layer + ".bias");
            weights.add(bias);
            in = out;
        }
        return new MlpNetwork(layout, weights);
    }

    /**
     * A network read from {@link #encode()}'s bytes.
     *
     * @param manager owns the weights (and decides their device)
     * @throws IllegalArgumentException when the bytes are not such weights or their shapes do
     *     not fit the layout
     */
    public static MlpNetwork decode(NDManager manager, MlpInputLayout layout, byte[] bytes) {
        NDList weights;
        try {
            weights = NDList.decode(manager, bytes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("MLP weights are not a DJL NDList: "
                    + e.getMessage(), e);
        }
        checkShapes(layout, weights);
        return new MlpNetwork(layout, weights);
    }

    /** How the network reads an input vector. */
    public MlpInputLayout layout() {
        return layout;
    }

    /** The weights in their stored order; training updates them in place. */
    public NDList weights() {
        return weights;
    }

    /** The weights as bytes ({@link NDList} encoding). */
    public byte[] encode() {
        return weights.encode();
    }

    /**
     * The output logit of each row.
     *
     * @param numeric {@code [rows, numericWidth]} float32
     * @param codes {@code [rows, embeddings]} int64 table rows
     * @return {@code [rows]}
     */
    public NDArray logits(NDArray numeric, NDArray codes) {
        NDList inputs = new NDList();
        if (layout.numericWidth() > 0) {
            inputs.add(numeric);
        }
        List<MlpInputLayout.Embedding> embeddings = layout.embeddings();
        for (int j = 0; j < embeddings.size(); j++) {
            NDArray column = codes.get(new NDIndex(":, {}", j));
            inputs.add(Embedding.embedding(column, weights.get(j), SparseFormat.DENSE)
                    .singletonOrThrow());
        }
        NDArray x = inputs.size() == 1 ? inputs.head() : NDArrays.concat(inputs, 1);
        int layers = (weights.size() - embeddings.size()) / 2;
        for (int layer = 0; layer < layers; layer++) {
            int at = embeddings.size() + 2 * layer;
            x = Linear.linear(x, weights.get(at), weights.get(at + 1)).singletonOrThrow();
            if (layer < layers - 1) {
                x = Activation.relu(x);
            }
        }
        return x.reshape(-1);
    }

    /**
     * The probability of the positive class of rows of input vectors, computed with arrays
     * that {@code batchManager} owns (close it afterwards to free them).
     *
     * @param rows {@code rowCount * layout.width()} values, NaN where missing
     */
    public float[] probabilities(NDManager batchManager, float[] rows, int rowCount) {
        NDList inputs = inputs(batchManager, layout, rows, rowCount);
        return Activation.sigmoid(logits(inputs.get(0), inputs.get(1)))
                .toFloatArray();
    }

    /**
     * The network's two input arrays (numeric, codes) for rows of input vectors.
     *
     * @param rows {@code rowCount * layout.width()} values, NaN where missing
     */
    public static NDList inputs(NDManager manager, MlpInputLayout layout, float[] rows,
            int rowCount) {
        float[] numeric = new float[rowCount * layout.numericWidth()];
        long[] codes = new long[rowCount * layout.embeddings().size()];
        layout.split(rows, rowCount, numeric, codes);
        return new NDList(
                manager.create(numeric, new Shape(rowCount, layout.numericWidth())),
                manager.create(codes, new Shape(rowCount, layout.embeddings().size())));
    }

    private static NDArray uniform(NDManager manager, Random random, Shape shape, float range,
            String name) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (random.nextFloat() * 2 - 1) * range;
        }
        NDArray array = manager.create(values, shape);
        array.setName(name);
        return array;
    }

    private static void checkShapes(MlpInputLayout layout, NDList weights) {
        List<MlpInputLayout.Embedding> embeddings = layout.embeddings();
        int dense = weights.size() - embeddings.size();
        if (dense < 2 || dense % 2 != 0) {
            throw new IllegalArgumentException("MLP weights hold " + weights.size()
                    + " arrays, which is not " + embeddings.size()
                    + " embeddings and pairs of dense weights and biases");
        }
        long in = layout.numericWidth();
        List<String> problems = new ArrayList<>();
        for (int j = 0; j < embeddings.size(); j++) {
            Shape shape = weights.get(j).getShape();
            if (shape.dimension() != 2 || shape.get(0) != embeddings.get(j).rows()) {
                problems.add("embedding of " + embeddings.get(j).name() + " is " + shape
                        + ", expected " + embeddings.get(j).rows() + " rows");
            } else {
                in += shape.get(1);
            }
        }
        for (int at = embeddings.size(); at < weights.size(); at += 2) {
            Shape weight = weights.get(at).getShape();
            if (weight.dimension() != 2 || weight.get(1) != in
                    || !weights.get(at + 1).getShape().equals(new Shape(weight.get(0)))) {
                problems.add("dense layer " + (at - embeddings.size()) / 2 + " is " + weight
                        + " with bias " + weights.get(at + 1).getShape() + ", expected " + in
                        + " inputs");
                break;
            }
            in = weight.get(0);
        }
        if (problems.isEmpty() && in != 1) {
            problems.add("the last layer has " + in + " outputs, expected 1");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }
}
