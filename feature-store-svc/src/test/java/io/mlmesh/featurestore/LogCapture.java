package io.mlmesh.featurestore;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects every log record of the process while open: message, parameters and stack trace, so
 * a test can assert what never reaches the logs.
 */
public final class LogCapture extends Handler implements AutoCloseable {

  private final List<String> texts = new ArrayList<>();

  private LogCapture() {
    setLevel(Level.ALL);
  }

  /** Starts collecting from the root logger. */
  public static LogCapture start() {
    LogCapture capture = new LogCapture();
    Logger.getLogger("").addHandler(capture);
    return capture;
  }

  @Override
  public synchronized void publish(LogRecord record) {
    StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
    if (record.getParameters() != null) {
      for (Object parameter : record.getParameters()) {
        text.append(' ').append(parameter);
      }
    }
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      text.append(' ').append(trace);
    }
    texts.add(text.toString());
  }

  /** Everything collected so far. */
  public synchronized List<String> texts() {
    return List.copyOf(texts);
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(this);
  }
}
