package io.mlmesh.core.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mlmesh.core.data.SharedDatasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Fairness figures of simple real decision rules on the shared churn and credit data sets,
 * cross-checked against rates counted directly in the test. The files are read where the
 * machine keeps them ({@link SharedDatasets}); nothing is copied into the repository.
 */
class GroupFairnessTest {

    private static final Path DATASETS = SharedDatasets.directory();
    private static final Path CHURN = DATASETS.resolve("churn/telco_churn.csv");
    private static final Path CREDIT = DATASETS.resolve("credit/credit_data.csv");

    @Test
    void of_handExample_knownFigures() {
        String[] groups = {"a", "a", "a", "a", "b", "b", "b", "b"};
        int[] predicted = {1, 1, 0, 0, 1, 0, 0, 0};
        int[] labels = {1, 0, 1, 0, 1, 1, 0, 0};

        FairnessReport report = GroupFairness.of(groups, predicted, labels, "a");

        assertEquals(List.of(new GroupRates("a", 4, 0.5, 0.5, 0.5),
                new GroupRates("b", 4, 0.25, 0.5, 0.0)), report.groups());
        assertEquals(0.25, report.demographicParityDifference(), 1e-12);
        assertEquals(0.5, report.demographicParityRatio(), 1e-12);
        assertEquals(0.5, report.equalizedOddsDifference(), 1e-12);
        assertEquals(0.5, report.disparateImpact(), 1e-12);
        assertEquals("a", report.referenceGroup());
    }

    @Test
    void of_groupWithoutPositives_truePositiveRateNaNLeftOutOfSpread() {
        FairnessReport report = GroupFairness.of(new String[] {"a", "a", "b", "b"},
                new int[] {1, 0, 1, 1}, new int[] {1, 0, 0, 0}, "");

        assertTrue(Double.isNaN(report.groups().get(1).truePositiveRate()));
        assertEquals(1.0, report.equalizedOddsDifference(), 1e-12);
        assertEquals("b", report.referenceGroup(), "highest selection rate by default");
        assertEquals(0.5, report.disparateImpact(), 1e-12);
    }

    @Test
    void of_unknownReferenceGroup_refusedNamingGroups() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> GroupFairness.of(new String[] {"a"}, new int[] {1}, new int[] {1}, "z"));

        assertEquals("reference group 'z' has no row (groups: [a])", error.getMessage());
    }

    @Test
    void of_churnMonthToMonthRule_bySeniorCitizen_matchesDirectCounts() throws IOException {
        Table churn = Table.read(CHURN);
        int[] labels = churn.column("churn").stream().mapToInt(v -> v.equals("Yes") ? 1 : 0)
                .toArray();
        int[] predicted = churn.column("contract").stream()
                .mapToInt(v -> v.equals("Month-to-month") ? 1 : 0).toArray();
        String[] seniors = churn.column("senior_citizen").toArray(String[]::new);

        FairnessReport report = GroupFairness.of(seniors, predicted, labels, "0");

        assertEquals(7043, report.groups().stream().mapToLong(GroupRates::rowCount).sum());
        assertMatchesDirectCounts(report, seniors, predicted, labels);
        assertTrue(report.disparateImpact() > 1, "seniors are on monthly contracts more often: "
                + report);
    }

    @Test
    void of_churnMonthToMonthRule_byFemale_nearParity() throws IOException {
        Table churn = Table.read(CHURN);
        int[] labels = churn.column("churn").stream().mapToInt(v -> v.equals("Yes") ? 1 : 0)
                .toArray();
        int[] predicted = churn.column("contract").stream()
                .mapToInt(v -> v.equals("Month-to-month") ? 1 : 0).toArray();
        String[] female = churn.column("female").toArray(String[]::new);

        FairnessReport report = GroupFairness.of(female, predicted, labels, "");

        assertMatchesDirectCounts(report, female, predicted, labels);
        assertTrue(report.demographicParityDifference() < 0.05, report.toString());
        assertTrue(report.demographicParityRatio() > 0.9, report.toString());
    }

    @Test
    void of_creditRecordsRule_byAgeBandAndMarital_matchesDirectCounts() throws IOException {
        Table credit = Table.read(CREDIT);
        int[] labels = credit.column("Status").stream().mapToInt(v -> v.equals("bad") ? 1 : 0)
                .toArray();
        int[] predicted = credit.column("Records").stream()
                .mapToInt(v -> v.equals("yes") ? 1 : 0).toArray();
        String[] ageBands = credit.column("Age").stream().map(GroupFairnessTest::ageBand)
                .toArray(String[]::new);
        String[] marital = credit.column("Marital").stream()
                .map(v -> v.equals("NA") ? "(missing)" : v).toArray(String[]::new);

        FairnessReport byAge = GroupFairness.of(ageBands, predicted, labels, "30-44");
        FairnessReport byMarital = GroupFairness.of(marital, predicted, labels, "married");

        assertEquals(List.of("18-29", "30-44", "45-59", "60+"),
                byAge.groups().stream().map(GroupRates::group).toList());
        assertMatchesDirectCounts(byAge, ageBands, predicted, labels);
        assertMatchesDirectCounts(byMarital, marital, predicted, labels);
        assertEquals(1, byMarital.groups().stream()
                .filter(group -> group.group().equals("(missing)")).findFirst().orElseThrow()
                .rowCount());
    }

    /** Every rate and measure of the report, recounted row by row. */
    private static void assertMatchesDirectCounts(FairnessReport report, String[] groups,
            int[] predicted, int[] labels) {
        Map<String, double[]> expected = new TreeMap<>();
        for (GroupRates rates : report.groups()) {
            int[] rows = IntStream.range(0, groups.length)
                    .filter(i -> groups[i].equals(rates.group())).toArray();
            double selected = IntStream.of(rows).filter(i -> predicted[i] == 1).count();
            double positives = IntStream.of(rows).filter(i -> labels[i] == 1).count();
            double caught = IntStream.of(rows)
                    .filter(i -> labels[i] == 1 && predicted[i] == 1).count();
            double falseAlarms = IntStream.of(rows)
                    .filter(i -> labels[i] == 0 && predicted[i] == 1).count();
            assertEquals(rows.length, rates.rowCount());
            assertEquals(selected / rows.length, rates.selectionRate(), 1e-12);
            assertEquals(positives == 0 ? Double.NaN : caught / positives,
                    rates.truePositiveRate(), 1e-12);
            assertEquals(falseAlarms / (rows.length - positives), rates.falsePositiveRate(),
                    1e-12);
            expected.put(rates.group(), new double[] {selected / rows.length,
                    rates.truePositiveRate(), rates.falsePositiveRate()});
        }
        double[] selection = expected.values().stream().mapToDouble(r -> r[0]).toArray();
        double highest = IntStream.range(0, selection.length).mapToDouble(i -> selection[i])
                .max().orElseThrow();
        double lowest = IntStream.range(0, selection.length).mapToDouble(i -> selection[i])
                .min().orElseThrow();
        assertEquals(highest - lowest, report.demographicParityDifference(), 1e-12);
        assertEquals(lowest / highest, report.demographicParityRatio(), 1e-12);
        double reference = expected.get(report.referenceGroup())[0];
        double lowestImpact = expected.entrySet().stream()
                .filter(entry -> !entry.getKey().equals(report.referenceGroup()))
                .mapToDouble(entry -> entry.getValue()[0] / reference).min().orElseThrow();
        assertEquals(lowestImpact, report.disparateImpact(), 1e-12);
        assertEquals(Math.max(spread(expected, 1), spread(expected, 2)),
                report.equalizedOddsDifference(), 1e-12);
    }

    private static double spread(Map<String, double[]> rates, int column) {
        double[] defined = rates.values().stream().mapToDouble(r -> r[column])
                .filter(v -> !Double.isNaN(v)).toArray();
        double highest = Double.NEGATIVE_INFINITY;
        double lowest = Double.POSITIVE_INFINITY;
        for (double value : defined) {
            highest = Math.max(highest, value);
            lowest = Math.min(lowest, value);
        }
        return highest - lowest;
    }

    private static String ageBand(String age) {
        int years = Integer.parseInt(age);
        if (years < 30) {
            return "18-29";
        }
        if (years < 45) {
            return "30-44";
        }
        return years < 60 ? "45-59" : "60+";
    }

    /** A CSV file of the shared data sets, as text cells without quotes. */
    private record Table(List<String> header, List<String[]> rows) {

        static Table read(Path file) throws IOException {
            assumeTrue(Files.isReadable(file), "shared data set " + file + " is absent on this"
                    + " machine: the fairness figures on it are not checked");
            List<String> lines = Files.readAllLines(file);
            List<String[]> rows = lines.subList(1, lines.size()).stream()
                    .map(Table::cells).toList();
            return new Table(List.of(cells(lines.get(0))), rows);
        }

        List<String> column(String name) {
            int index = header.indexOf(name);
            assertTrue(index >= 0, "no column " + name + " in " + header);
            return rows.stream().map(row -> row[index]).toList();
        }

        private static String[] cells(String line) {
            return line.replace("\"", "").split(",", -1);
        }
    }
}
