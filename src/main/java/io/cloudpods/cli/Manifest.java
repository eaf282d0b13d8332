package io.cloudpods.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * One object read from a manifest, with where it came from so that errors can name the file.
 *
 * @param source the file, {@code FILE (document 2)} when the file holds several objects
 * @param document 1-based position among the non-empty documents of its file
 */
record Manifest(
    JsonNode doc, String source, int document, ResourceKind kind, String tenant, String name) {

  /** {@code cloudpod/web-1}. */
  String ref() {
    return kind.singular() + "/" + name;
  }

  /**
   * Reads every {@code -f} argument: a file, a directory (its {@code *.yaml}, {@code *.yml} and
   * {@code *.json} files, sorted by name, not recursive) or {@code -} for stdin. Every problem
   * names the file; nothing is sent when any source is unreadable or malformed.
   *
   * @param defaultTenant put into {@code metadata.tenant} of tenant-scoped objects that have none
   *     (from {@code --tenant}); an object naming another tenant is refused
   */
  static List<Manifest> load(List<String> args, InputStream stdin, Path cwd, String defaultTenant) {
    if (args.isEmpty()) {
      throw CliException.usage("-f FILE|DIR|- is required");
    }
    List<Manifest> out = new ArrayList<>();
    for (String a : args) {
      if (a.equals("-")) {
        String text;
        try {
          text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw CliException.failure("cannot read stdin: " + e.getMessage());
        }
        out.addAll(parse(text, "<stdin>", false, defaultTenant));
        continue;
      }
      Path p = cwd.resolve(a);
      if (Files.isDirectory(p)) {
        List<Path> files;
        try (Stream<Path> s = Files.list(p)) {
          files = s.filter(Files::isRegularFile).filter(Manifest::isManifestFile).sorted().toList();
        } catch (IOException e) {
          throw CliException.failure("cannot read directory " + a + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
          throw CliException.failure("no *.yaml, *.yml or *.json files in directory " + a);
        }
        for (Path f : files) {
          String shown = a.endsWith("/") ? a + f.getFileName() : a + "/" + f.getFileName();
          out.addAll(parse(read(f, shown), shown, isJson(f), defaultTenant));
        }
      } else {
        out.addAll(parse(read(p, a), a, isJson(p), defaultTenant));
      }
    }
    if (out.isEmpty()) {
      throw CliException.failure("no objects found in " + String.join(", ", args));
    }
    return out;
  }

  private static boolean isManifestFile(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }

  private static boolean isJson(Path p) {
    return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
  }

  private static String read(Path p, String shown) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw CliException.failure("cannot read " + shown + ": no such file or directory");
    } catch (IOException e) {
      throw CliException.failure("cannot read " + shown + ": " + e.getMessage());
    }
  }

  static List<Manifest> parse(String text, String source, boolean json, String defaultTenant) {
    List<JsonNode> docs = new ArrayList<>();
    String trimmed = text.stripLeading();
    try {
      if (json || trimmed.startsWith("{") || trimmed.startsWith("[")) {
        JsonNode n = Json.readJson(text);
        if (n.isArray()) {
          n.forEach(docs::add);
        } else {
          docs.add(n);
        }
      } else {
        docs.addAll(Json.readYamlDocuments(text));
      }
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      String at =
          l == null || l.getLineNr() < 1
              ? ""
              : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
      throw CliException.failure(
          "malformed manifest " + source + at + ": " + firstLine(e.getOriginalMessage()));
    } catch (IOException | RuntimeException e) {
      throw CliException.failure(
          "malformed manifest " + source + ": " + firstLine(String.valueOf(e.getMessage())));
    }
    List<Manifest> out = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      out.add(of(docs.get(i), source, i + 1, docs.size(), defaultTenant));
    }
    return out;
  }

  private static Manifest of(
      JsonNode doc, String source, int index, int count, String defaultTenant) {
    String where = count > 1 ? source + " (document " + index + ")" : source;
    if (!doc.isObject()) {
      throw CliException.failure(where + ": not an object");
    }
    JsonNode kindNode = doc.get("kind");
    if (kindNode == null || !kindNode.isTextual()) {
      throw CliException.failure(where + ": kind is missing");
    }
    ResourceKind kind =
        ResourceKind.ofKindField(kindNode.asText())
            .orElseThrow(
                () ->
                    CliException.failure(
                        where
                            + ": unknown kind '"
                            + kindNode.asText()
                            + "' (known: Tenant, IpPool, CloudPod, PodSet, BackupPolicy, Backup,"
                            + " Restore)"));
    JsonNode meta = doc.path("metadata");
    String name = meta.path("name").isTextual() ? meta.get("name").asText() : null;
    if (name == null || name.isEmpty()) {
      throw CliException.failure(where + ": metadata.name is missing");
    }
    String tenant = meta.path("tenant").isTextual() ? meta.get("tenant").asText() : null;
    if (kind.tenantScoped()) {
      if (tenant == null && defaultTenant != null) {
        tenant = defaultTenant;
        ((ObjectNode) meta).put("tenant", tenant);
      } else if (tenant != null && defaultTenant != null && !tenant.equals(defaultTenant)) {
        throw CliException.failure(
            where
                + ": metadata.tenant '"
                + tenant
                + "' does not match --tenant '"
                + defaultTenant
                + "'");
      } else if (tenant == null) {
        throw CliException.failure(
            where + ": metadata.tenant is missing (required for " + kind.kind() + ")");
      }
    } else {
      tenant = null;
    }
    return new Manifest(doc, where, index, kind, tenant, name);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }
}
