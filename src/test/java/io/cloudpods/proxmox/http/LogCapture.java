package io.cloudpods.proxmox.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects every log record of the Proxmox client packages, at all levels, while open. */
final class LogCapture extends Handler implements AutoCloseable {

  private final Logger logger = Logger.getLogger("io.cloudpods.proxmox");
  private final Level previous = logger.getLevel();
  final List<LogRecord> records = new CopyOnWriteArrayList<>();

  LogCapture() {
    setLevel(Level.ALL);
    logger.setLevel(Level.ALL);
    logger.addHandler(this);
  }

  /** Every record rendered as text: message, parameters and thrown exception chain. */
  String allText() {
    StringBuilder sb = new StringBuilder();
    for (LogRecord r : records) {
      sb.append(r.getLevel())
          .append(' ')
          .append(r.getLoggerName())
          .append(' ')
          .append(r.getMessage())
          .append('\n');
      if (r.getParameters() != null) {
        for (Object p : r.getParameters()) {
          sb.append(p).append('\n');
        }
      }
      for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
        sb.append(t).append('\n');
      }
    }
    return sb.toString();
  }

  long count(Level level) {
    return records.stream().filter(r -> r.getLevel().equals(level)).count();
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(previous);
  }
}
