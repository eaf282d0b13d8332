package io.cloudpods.imports;

import java.util.List;

/**
 * Collects a file's warnings up to a limit, then counts the rest (a 100 MB file of garbage gives a
 * bounded report, ending in one line saying how many more there were).
 */
final class Warnings {
  private final String file;
  private final List<ImportWarning> out;
  private final int max;
  private long dropped;
  private long lastLine;

  Warnings(String file, List<ImportWarning> out, int max) {
    this.file = file;
    this.out = out;
    this.max = max;
  }

  void add(long line, String message) {
    lastLine = line;
    if (out.size() < max) {
      out.add(new ImportWarning(file, line, message));
    } else {
      dropped++;
    }
  }

  void finish() {
    if (dropped > 0) {
      out.add(
          new ImportWarning(
              file, lastLine, dropped + " more warnings not shown (up to this line)"));
    }
  }

  /** At most 80 characters of a line, for a message. */
  static String excerpt(String s) {
    String one = s.replaceAll("\\p{Cntrl}", "?");
    return one.length() <= 80 ? one : one.substring(0, 77) + "...";
  }
}
