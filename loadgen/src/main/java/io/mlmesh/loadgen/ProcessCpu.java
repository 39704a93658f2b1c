package io.mlmesh.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a local process has used, all its threads together, from Linux's
 * {@code /proc/<pid>/stat} (user plus system time, in clock ticks of 10 ms). On a machine
 * shared with other work, a server's CPU time per request holds still where its throughput
 * and latency move with the neighbours' load: it is the figure to compare two servers by.
 */
final class ProcessCpu {

    /** Linux's USER_HZ, the unit of the stat file's times, on every mainstream kernel. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final int UTIME_FIELD = 14;

    private ProcessCpu() {
    }

    /** CPU nanoseconds used so far by process {@code pid}. */
    static long nanos(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        String line;
        try {
            line = Files.readString(stat);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
        // The command name (field 2) may hold spaces; the fields after its ')' do not.
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        int utimeIndex = UTIME_FIELD - 3;
        long ticks = Long.parseLong(fields[utimeIndex]) + Long.parseLong(fields[utimeIndex + 1]);
        return ticks * NANOS_PER_TICK;
    }
}
