package io.cloudpods.proxmox;

import java.util.List;

/** A page of a task log; line numbers start at 1, {@code total} is the log's line count. */
public record TaskLog(List<Line> lines, int total) {

  public TaskLog {
    lines = List.copyOf(lines);
  }

  /** One log line. */
  public record Line(int n, String text) {}
}
