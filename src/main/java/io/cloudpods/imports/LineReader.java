package io.cloudpods.imports;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a text file line by line from a stream with a fixed buffer: a line longer than {@code
 * maxLineBytes} is skipped to its end and reported, never held. Memory stays bounded by the buffer
 * and one line, whatever the file's size. A NUL byte or bytes that are not UTF-8 make the file
 * binary: {@link ImportFileException} naming the line.
 */
final class LineReader {

  /** One line: its 1-based number and text (without the line end), or too long. */
  record Line(long number, String text, boolean tooLong, boolean lastWithoutNewline) {}

  private final InputStream in;
  private final String file;
  private final int maxLineBytes;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int len;
  private boolean eof;
  private long number;
  private long bytesRead;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  LineReader(InputStream in, String file, int maxLineBytes) {
    this.in = in;
    this.file = file;
    this.maxLineBytes = maxLineBytes;
  }

  long bytesRead() {
    return bytesRead;
  }

  /** The next line, or null at the end of the stream. */
  Line next() {
    byte[] line = new byte[Math.min(256, maxLineBytes)];
    int n = 0;
    boolean tooLong = false;
    boolean sawAny = false;
    while (true) {
      if (pos == len) {
        if (!fill()) {
          if (!sawAny) {
            return null;
          }
          number++;
          return tooLong
              ? new Line(number, null, true, true)
              : new Line(number, decode(line, n, number), false, true);
        }
      }
      sawAny = true;
      byte b = buf[pos++];
      if (b == '\n') {
        number++;
        if (tooLong) {
          return new Line(number, null, true, false);
        }
        if (n > 0 && line[n - 1] == '\r') {
          n--;
        }
        return new Line(number, decode(line, n, number), false, false);
      }
      if (b == 0) {
        throw new ImportFileException(
            file, number + 1, "binary content (a NUL byte); this is not a text file");
      }
      if (tooLong) {
        continue;
      }
      if (n == maxLineBytes) {
        tooLong = true;
        line = null;
        continue;
      }
      if (n == line.length) {
        line = java.util.Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
      }
      line[n++] = b;
    }
  }

  private String decode(byte[] bytes, int n, long lineNo) {
    try {
      return utf8.decode(ByteBuffer.wrap(bytes, 0, n)).toString();
    } catch (CharacterCodingException e) {
      throw new ImportFileException(
          file, lineNo, "binary content (bytes that are not UTF-8); this is not a text file");
    }
  }

  private boolean fill() {
    if (eof) {
      return false;
    }
    try {
      int r = in.read(buf);
      if (r < 0) {
        eof = true;
        return false;
      }
      pos = 0;
      len = r;
      bytesRead += r;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }
}
