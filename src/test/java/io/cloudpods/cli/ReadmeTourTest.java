package io.cloudpods.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of README.md's tour without running it ({@code LauncherEndToEndIT} runs it):
 * that it can be found, that its PodSets do not name a pod the examples already have (the examples
 * are applied when the tour starts), and that a terminal can take its lines as they are.
 */
class ReadmeTourTest {
  private static final Path PROJECT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
  private static final YAMLMapper YAML = new YAMLMapper();

  private static String tour() throws IOException {
    return ReadmeTour.commands(Files.readString(PROJECT.resolve("README.md")));
  }

  @Test
  void commands_areTheBashBlockOfTheTourSection() throws Exception {
    String tour = tour();

    assertThat(tour).startsWith("bin/cloudpods get cloudpods").endsWith("\n");
    assertThat(tour).doesNotContain("```");
    assertThat(tour.lines().filter(l -> l.startsWith("bin/cloudpods delete -f"))).hasSize(1);
    assertThat(ReadmeTour.filesWritten(tour)).isNotEmpty();
  }

  @Test
  void commands_sectionWithoutABlock_isRefused() {
    String readme = "# x\n\n" + ReadmeTour.HEADING + "\n\ntext\n\n## Next\n\n```bash\nls\n```\n";

    assertThatThrownBy(() -> ReadmeTour.commands(readme)).hasMessageContaining("no ```bash block");
  }

  @Test
  void tourPodSets_nameNoPodOfTheExamples() throws Exception {
    List<String> examplePods = new ArrayList<>();
    try (Stream<Path> files = Files.list(PROJECT.resolve("config/examples"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (JsonNode doc : documents(Files.readString(f))) {
          examplePods.addAll(podNames(doc));
        }
      }
    }
    assertThat(examplePods).contains("tenant-123/web-1", "tenant-123/workers-0");

    List<String> tourPods = new ArrayList<>();
    for (ReadmeTour.Heredoc h : ReadmeTour.heredocs(tour())) {
      for (JsonNode doc : documents(h.content())) {
        tourPods.addAll(podNames(doc));
      }
    }

    assertThat(tourPods).isNotEmpty().doesNotContainAnyElementsOf(examplePods);
  }

  /**
   * In an interactive bash, {@code !} outside single quotes starts a history expansion ({@code
   * "...!controller..."} fails with "event not found"), so the tour may not have one.
   */
  @Test
  void tour_hasNoHistoryExpansionOutsideSingleQuotes() throws Exception {
    List<String> offending = new ArrayList<>();
    for (String line : tour().lines().toList()) {
      if (expandsHistory(line)) {
        offending.add(line);
      }
    }

    assertThat(offending).isEmpty();
  }

  @Test
  void expandsHistory_followsBashsQuoting() {
    assertThat(expandsHistory("H=\"a=pve!controller=x\"")).isTrue();
    assertThat(expandsHistory("echo a!b")).isTrue();
    assertThat(expandsHistory("H='a=pve!controller='\"$(cat f)\"")).isFalse();
    assertThat(expandsHistory("[ ! -f x ]")).isFalse();
    assertThat(expandsHistory("echo a\\!b")).isFalse();
  }

  /** Whether bash's history expansion would act on this line (its {@code histchars} default). */
  static boolean expandsHistory(String line) {
    boolean single = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (single) {
        single = c != '\'';
      } else if (c == '\\') {
        i++;
      } else if (c == '\'') {
        single = true;
      } else if (c == '!') {
        char next = i + 1 < line.length() ? line.charAt(i + 1) : '\n';
        if (" \t\n=(\"".indexOf(next) < 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        YAML.readValues(YAML.getFactory().createParser(yaml), JsonNode.class)) {
      while (it.hasNext()) {
        JsonNode d = it.next();
        if (d != null && !d.isNull() && !d.isMissingNode()) {
          docs.add(d);
        }
      }
    }
    return docs;
  }

  /** {@code tenant/name} of the pods a manifest stands for: a CloudPod, or a PodSet's ordinals. */
  private static List<String> podNames(JsonNode doc) {
    String kind = doc.path("kind").asText();
    String tenant = doc.path("metadata").path("tenant").asText();
    String name = doc.path("metadata").path("name").asText();
    if (kind.equals("CloudPod")) {
      return List.of(tenant + "/" + name);
    }
    if (kind.equals("PodSet")) {
      List<String> names = new ArrayList<>();
      int replicas = doc.path("spec").path("replicas").asInt(1);
      for (int i = 0; i < replicas; i++) {
        names.add(tenant + "/" + name + "-" + i);
      }
      return names;
    }
    return List.of();
  }
}
