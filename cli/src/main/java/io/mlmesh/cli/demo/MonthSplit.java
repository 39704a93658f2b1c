package io.mlmesh.cli.demo;

import io.mlmesh.featurestore.v1.DatasetVersion;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Train on the months before the data's last month, test on the last month: January-May and
 * June for the full flights file, January-February and March for the 20k sample.
 *
 * @param trainStart first day of the first month
 * @param testStart first day of the last month
 * @param testEnd first day after the last month
 */
record MonthSplit(LocalDate trainStart, LocalDate testStart, LocalDate testEnd) {

    /**
     * The split of a source, from its time range. A last day of only a few rows (the full file
     * ends with six flights on 1 July) does not count as a month of its own.
     */
    static MonthSplit of(DatasetVersion source) {
        LocalDate first = ProtoTime.dayOf(source.getMinTime().getSeconds() * 1_000_000L);
        LocalDate lastFullDay = ProtoTime.dayOf(source.getMaxTime().getSeconds() * 1_000_000L)
                .minusDays(1);
        LocalDate testStart = lastFullDay.withDayOfMonth(1);
        LocalDate trainStart = first.withDayOfMonth(1);
        if (!trainStart.isBefore(testStart)) {
            throw new IllegalArgumentException("the data spans " + first + " to " + lastFullDay
                    + ": the demo needs at least two months (earlier ones to train, the last"
                    + " one to test)");
        }
        return new MonthSplit(trainStart, testStart, testStart.plusMonths(1));
    }

    /** For example {@code Jan-May}. */
    String trainMonths() {
        return monthName(trainStart) + "-" + monthName(testStart.minusMonths(1));
    }

    /** For example {@code Jun}. */
    String testMonth() {
        return monthName(testStart);
    }

    private static String monthName(LocalDate day) {
        return day.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
    }
}
