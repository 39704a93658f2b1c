package io.mlmesh.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CrossValidationTest {

    @Test
    void kFold_everyRowValidatedOnceAndNeverTrainedOnInItsFold() {
        List<CrossValidation.Fold> folds = CrossValidation.kFold(103, 4, 5);

        int[] validatedTimes = new int[103];
        for (CrossValidation.Fold fold : folds) {
            assertEquals(103, fold.train().length + fold.validation().length);
            assertTrue(fold.validation().length == 25 || fold.validation().length == 26,
                    "sizes differ by at most one: " + fold.validation().length);
            for (int row : fold.validation()) {
                validatedTimes[row]++;
                assertTrue(Arrays.binarySearch(fold.train(), row) < 0, "row " + row);
            }
        }
        assertArrayEquals(IntStream.generate(() -> 1).limit(103).toArray(), validatedTimes);
        assertArrayEquals(folds.get(0).validation(),
                CrossValidation.kFold(103, 4, 5).get(0).validation(), "seeded");
    }

    @Test
    void timeSeries_expandingWindowsValidateOnlyOnLaterRows() {
        List<CrossValidation.Fold> folds = CrossValidation.timeSeries(100, 3);

        assertEquals(3, folds.size());
        assertArrayEquals(IntStream.range(0, 25).toArray(), folds.get(0).train());
        assertArrayEquals(IntStream.range(25, 50).toArray(), folds.get(0).validation());
        assertArrayEquals(IntStream.range(0, 75).toArray(), folds.get(2).train());
        assertArrayEquals(IntStream.range(75, 100).toArray(), folds.get(2).validation());
    }
}
