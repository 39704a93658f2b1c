package io.mlmesh.core.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mlmesh.core.data.SharedDatasets;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.LUDecomposition;
import org.hipparchus.linear.RealMatrix;
import org.junit.jupiter.api.Test;

/**
 * Kernel SHAP against a model whose Shapley values are known: a logistic regression fitted
 * (Newton's method) on the real breast cancer data set, standardized inputs. In margin space a
 * linear model's Shapley value of input i is w_i (x_i - mean_i) over the background.
 */
class KernelShapTest {

    private static final String[] FIVE = {"mean radius", "mean texture", "mean smoothness",
        "mean concave points", "worst symmetry"};
    private static final String[] TEN = {"mean radius", "mean texture", "mean smoothness",
        "mean concave points", "worst symmetry", "mean compactness", "radius error",
        "worst texture", "worst area", "mean fractal dimension"};

    @Test
    void explain_fiveInputsEnumerated_recoversLogisticRegressionWeights() throws IOException {
        Data data = Data.read(FIVE);
        double[] weights = fitLogistic(data);
        double[][] background = Arrays.copyOf(data.rows(), 100);

        KernelShap shap = new KernelShap(row -> margin(weights, row), background, 1_000, 1);

        for (int row = 200; row < 220; row++) {
            assertLinearShapley(shap.explain(data.rows()[row]), weights, data.rows()[row],
                    background, 1e-9);
        }
    }

    @Test
    void explain_tenInputsSampledUnderBudget_recoversWeightsAndProbabilitiesSumToScore()
            throws IOException {
        Data data = Data.read(TEN);
        double[] weights = fitLogistic(data);
        double[][] background = Arrays.copyOf(data.rows(), 50);
        assertTrue(accuracy(data, weights) > 0.9, "a real fit: " + accuracy(data, weights));

        KernelShap margins = new KernelShap(row -> margin(weights, row), background, 200, 3);
        ToDoubleFunction<double[]> probability = row -> 1 / (1 + Math.exp(-margin(weights,
                row)));
        KernelShap probabilities = new KernelShap(probability, background, 200, 3);

        double[] row = data.rows()[300];
        assertLinearShapley(margins.explain(row), weights, row, background, 1e-8);
        KernelShap.Explanation explained = probabilities.explain(row);
        assertEquals(probability.applyAsDouble(row), explained.prediction(), 1e-12);
        assertEquals(explained.prediction() - explained.baseValue(),
                Arrays.stream(explained.contributions()).sum(), 1e-9);
        int largest = argMaxAbs(margins.explain(row).contributions());
        assertEquals(largest, argMaxAbs(explained.contributions()),
                "the sigmoid keeps the ranking of the leading input");
    }

    @Test
    void constructAndExplain_wrongShapes_refusedNamingProblem() {
        ToDoubleFunction<double[]> sum = row -> Arrays.stream(row).sum();
        double[][] background = {{1, 2}, {3, 4}};

        assertEquals("background has no rows", assertThrows(IllegalArgumentException.class,
                () -> new KernelShap(sum, new double[0][], 10, 1)).getMessage());
        assertEquals("maxCoalitions must be at least 2, got 1",
                assertThrows(IllegalArgumentException.class,
                        () -> new KernelShap(sum, background, 1, 1)).getMessage());
        assertEquals("row has 3 inputs, the background 2",
                assertThrows(IllegalArgumentException.class,
                        () -> new KernelShap(sum, background, 10, 1)
                                .explain(new double[3])).getMessage());
    }

    private static void assertLinearShapley(KernelShap.Explanation explained, double[] weights,
            double[] row, double[][] background, double tolerance) {
        for (int input = 0; input < row.length; input++) {
            double mean = 0;
            for (double[] backgroundRow : background) {
                mean += backgroundRow[input] / background.length;
            }
            assertEquals(weights[input + 1] * (row[input] - mean),
                    explained.contributions()[input], tolerance, "input " + input);
        }
        assertEquals(margin(weights, row), explained.prediction(), 1e-12);
    }

    /** Intercept first, then one weight per input. */
    private static double margin(double[] weights, double[] row) {
        double margin = weights[0];
        for (int input = 0; input < row.length; input++) {
            margin += weights[input + 1] * row[input];
        }
        return margin;
    }

    /** Newton's method on the log loss with a small ridge (the data is nearly separable). */
    private static double[] fitLogistic(Data data) {
        int width = data.rows()[0].length + 1;
        double[] weights = new double[width];
        for (int iteration = 0; iteration < 25; iteration++) {
            RealMatrix hessian = new Array2DRowRealMatrix(width, width);
            double[] gradient = new double[width];
            for (int row = 0; row < data.rows().length; row++) {
                double[] x = withIntercept(data.rows()[row]);
                double p = 1 / (1 + Math.exp(-margin(weights, data.rows()[row])));
                for (int i = 0; i < width; i++) {
                    gradient[i] += (data.labels()[row] - p) * x[i];
                    for (int j = 0; j < width; j++) {
                        hessian.addToEntry(i, j, p * (1 - p) * x[i] * x[j]);
                    }
                }
            }
            for (int i = 1; i < width; i++) {
                hessian.addToEntry(i, i, 0.01);
                gradient[i] -= 0.01 * weights[i];
            }
            double[] step = new LUDecomposition(hessian).getSolver()
                    .solve(new ArrayRealVector(gradient)).toArray();
            for (int i = 0; i < width; i++) {
                weights[i] += step[i];
            }
        }
        return weights;
    }

    private static double[] withIntercept(double[] row) {
        double[] x = new double[row.length + 1];
        x[0] = 1;
        System.arraycopy(row, 0, x, 1, row.length);
        return x;
    }

    private static double accuracy(Data data, double[] weights) {
        int correct = 0;
        for (int row = 0; row < data.rows().length; row++) {
            int predicted = margin(weights, data.rows()[row]) > 0 ? 1 : 0;
            correct += predicted == data.labels()[row] ? 1 : 0;
        }
        return (double) correct / data.rows().length;
    }

    private static int argMaxAbs(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            best = Math.abs(values[i]) > Math.abs(values[best]) ? i : best;
        }
        return best;
    }

    /** Standardized inputs and labels (1 = malignant) of the breast cancer set. */
    private record Data(double[][] rows, int[] labels) {

        static Data read(String[] columns) throws IOException {
            List<String> lines = Files.readAllLines(
                    SharedDatasets.file("breast_cancer/breast_cancer.csv"));
            List<String> header = List.of(lines.get(0).split(","));
            int labelColumn = header.indexOf("target_name");
            double[][] rows = new double[lines.size() - 1][columns.length];
            int[] labels = new int[rows.length];
            for (int row = 0; row < rows.length; row++) {
                String[] cells = lines.get(row + 1).split(",");
                for (int input = 0; input < columns.length; input++) {
                    rows[row][input] = Double.parseDouble(cells[header.indexOf(columns[input])]);
                }
                labels[row] = cells[labelColumn].equals("malignant") ? 1 : 0;
            }
            standardize(rows);
            return new Data(rows, labels);
        }

        private static void standardize(double[][] rows) {
            for (int input = 0; input < rows[0].length; input++) {
                double mean = 0;
                for (double[] row : rows) {
                    mean += row[input] / rows.length;
                }
                double variance = 0;
                for (double[] row : rows) {
                    variance += (row[input] - mean) * (row[input] - mean) / rows.length;
                }
                for (double[] row : rows) {
                    row[input] = (row[input] - mean) / Math.sqrt(variance);
                }
            }
        }
    }
}
