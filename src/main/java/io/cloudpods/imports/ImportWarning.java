package io.cloudpods.imports;

/** A line of a seed file that was not used, and why; {@code file:line: message}. */
public record ImportWarning(String file, long line, String message) {

  @Override
  public String toString() {
    return file + ":" + line + ": " + message;
  }
}
