package io.cloudpods.imports;

/**
 * A seed file that cannot be read at all (binary content, not UTF-8, unreadable): the import stops
 * before anything is planned. The message names the file and, where there is one, the line.
 */
public final class ImportFileException extends RuntimeException {

  private final String file;
  private final long line;

  public ImportFileException(String file, long line, String message) {
    super(file + (line > 0 ? ":" + line : "") + ": " + message);
    this.file = file;
    this.line = line;
  }

  public String file() {
    return file;
  }

  /** The 1-based line, or 0 when the problem is the file as a whole. */
  public long line() {
    return line;
  }
}
