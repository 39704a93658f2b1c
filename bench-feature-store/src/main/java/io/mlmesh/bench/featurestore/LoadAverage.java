package io.mlmesh.bench.featurestore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine's one-minute load average, recorded beside the figures it disturbs. */
final class LoadAverage {

  private static final Path PROC_LOADAVG = Path.of("/proc/loadavg");

  private LoadAverage() {
  }

  /** The one-minute load average, or NaN where /proc/loadavg does not exist. */
  static double oneMinute() {
    if (!Files.isReadable(PROC_LOADAVG)) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(Files.readString(PROC_LOADAVG).split(" ")[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
