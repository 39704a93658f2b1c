package io.mlmesh.bench.featurestore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code redis-benchmark} (Redis 7's tool, written in C) with one connection and no
 * pipelining ({@code -c 1 -P 1}), the way the feature store talks to Redis for one request, and
 * reads its {@code --csv} summary: requests per second and latency percentiles in milliseconds.
 * It is the floor a gRPC read cannot go below: the same Redis command from the fastest client.
 */
final class RedisBenchmark {

  private static final long TIMEOUT_SECONDS = 300;
  private static final int MIN_REQUESTS = 5000;

  private final Path executable;
  private final String host;
  private final int port;

  RedisBenchmark(Path executable, String host, int port) {
    this.executable = executable;
    this.host = host;
    this.port = port;
  }

  /** What redis-benchmark printed for one command. */
  record Result(double requestsPerSecond, double p50Micros, double p99Micros) {
  }

  /**
   * Sends {@code command} {@code requests} times, at least {@value #MIN_REQUESTS} times, and
   * returns the summary. redis-benchmark computes its rate from whole milliseconds and prints
   * "inf" for a run shorter than one, which a few hundred loopback calls can be.
   */
  Result run(int requests, List<String> command) throws IOException, InterruptedException {
    List<String> arguments = new ArrayList<>(List.of(executable.toString(), "-h", host,
        "-p", String.valueOf(port), "-c", "1", "-P", "1", "-n",
        String.valueOf(Math.max(requests, MIN_REQUESTS)), "--csv"));
    arguments.addAll(command);
    Process process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
    String output;
    try (InputStream stdout = process.getInputStream()) {
      output = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("redis-benchmark failed: " + output);
    }
    return parse(output);
  }

  /**
   * Reads the CSV summary: a header line naming the columns (test, rps, avg_latency_ms, ...,
   * p50_latency_ms, p99_latency_ms, ...), then one line per command.
   */
  static Result parse(String csv) {
    List<String> lines = csv.lines().filter(line -> line.startsWith("\"")).toList();
    if (lines.size() < 2) {
      throw new IllegalStateException("redis-benchmark printed no CSV summary: " + csv);
    }
    List<String> header = fields(lines.get(0));
    List<String> values = fields(lines.get(1));
    return new Result(
        Double.parseDouble(values.get(header.indexOf("rps"))),
        Double.parseDouble(values.get(header.indexOf("p50_latency_ms"))) * 1000,
        Double.parseDouble(values.get(header.indexOf("p99_latency_ms"))) * 1000);
  }

  private static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    for (String quoted : line.split("\",\"")) {
      fields.add(quoted.replace("\"", ""));
    }
    return fields;
  }
}
