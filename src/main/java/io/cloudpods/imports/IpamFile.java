package io.cloudpods.imports;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The seed's flat-file IPAM, {@code /etc/migra/ipam-cloudpods.txt}: one IPv4 address per line,
 * appended by {@code cloudpod-create.sh} and removed by {@code cloudpod-destroy.sh} (which leaves
 * it when it cannot read the guest's address). Blank lines and {@code #} comments are skipped; any
 * other line that is not an address is a warning naming its line; a repeated address is read once.
 */
public final class IpamFile {

  /** An address of the file and the line it was first seen on. */
  public record Entry(String ip, long line) {}

  /** What the file holds: its addresses in file order, and the lines that were not used. */
  public record Contents(List<Entry> entries, List<ImportWarning> warnings) {
    public Contents {
      entries = List.copyOf(entries);
      warnings = List.copyOf(warnings);
    }

    public List<String> addresses() {
      return entries.stream().map(Entry::ip).toList();
    }
  }

  static final int MAX_LINE_BYTES = 1024;
  static final int MAX_WARNINGS = 200;

  private static final Pattern IPV4 =
      Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");

  private IpamFile() {}

  /** Reads the file from {@code in} (named {@code file} in messages), as a stream. */
  public static Contents read(InputStream in, String file) {
    LineReader r = new LineReader(in, file, MAX_LINE_BYTES);
    Map<String, Entry> entries = new LinkedHashMap<>();
    List<ImportWarning> warnings = new ArrayList<>();
    Warnings w = new Warnings(file, warnings, MAX_WARNINGS);
    LineReader.Line line;
    while ((line = r.next()) != null) {
      if (line.tooLong()) {
        w.add(line.number(), "line longer than " + MAX_LINE_BYTES + " bytes; skipped");
        continue;
      }
      String t = line.text().strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      if (!isIpv4(t)) {
        w.add(line.number(), "not an IPv4 address: '" + Warnings.excerpt(t) + "'; skipped");
        continue;
      }
      Entry first = entries.putIfAbsent(t, new Entry(t, line.number()));
      if (first != null) {
        w.add(line.number(), t + " is listed again (first on line " + first.line() + ")");
      }
    }
    w.finish();
    return new Contents(new ArrayList<>(entries.values()), warnings);
  }

  /** A dotted quad with every part 0–255 (the scripts' {@code is_ip}). */
  public static boolean isIpv4(String s) {
    var m = IPV4.matcher(s);
    if (!m.matches()) {
      return false;
    }
    for (int i = 1; i <= 4; i++) {
      if (Integer.parseInt(m.group(i)) > 255) {
        return false;
      }
    }
    return true;
  }
}
