package io.cloudpods.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands of README.md's "A five-minute tour", as written there: tests run and check this text
 * instead of a copy of it, so the README and the product cannot drift apart.
 */
final class ReadmeTour {
  static final String HEADING = "## A five-minute tour";

  private static final String FENCE = "```bash\n";
  private static final Pattern HEREDOC =
      Pattern.compile("^cat > (\\S+) <<'(\\w+)'\n(.*?)\n\\2$", Pattern.MULTILINE | Pattern.DOTALL);

  private ReadmeTour() {}

  /** The first {@code ```bash} block of the tour section, without its fences. */
  static String commands(String readme) {
    int section = readme.indexOf("\n" + HEADING + "\n");
    if (section < 0) {
      throw new IllegalArgumentException("README.md has no section '" + HEADING + "'");
    }
    int next = readme.indexOf("\n## ", section + 1);
    int start = readme.indexOf("\n" + FENCE, section);
    if (start < 0 || (next >= 0 && start > next)) {
      throw new IllegalArgumentException("the tour section of README.md has no ```bash block");
    }
    start += 1 + FENCE.length();
    int end = readme.indexOf("\n```\n", start);
    if (end < 0) {
      throw new IllegalArgumentException("the tour's ```bash block in README.md is not closed");
    }
    return readme.substring(start, end + 1);
  }

  /** A file the tour writes with {@code cat > FILE <<'EOF'}, and what it writes there. */
  record Heredoc(String file, String content) {}

  static List<Heredoc> heredocs(String commands) {
    List<Heredoc> found = new ArrayList<>();
    Matcher m = HEREDOC.matcher(commands);
    while (m.find()) {
      found.add(new Heredoc(m.group(1), m.group(3) + "\n"));
    }
    return found;
  }

  static List<String> filesWritten(String commands) {
    return heredocs(commands).stream().map(Heredoc::file).toList();
  }
}
