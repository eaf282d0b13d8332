package io.cloudpods.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudpods.auth.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The example manifests of {@code config/examples/} (packaged under {@code examples/}): an IP pool
 * with the seed defaults, a tenant, two CloudPods, a PodSet, a nightly BackupPolicy and a pool and
 * pod in the second region ({@code migra-us-west-1}, the ProxmoxCluster {@code west}). The embedded
 * mode of {@code serve} applies them on first start through the normal admission path.
 */
@ApplicationScoped
public class ExampleManifests {
  /** In admission order; keep in step with {@code config/examples/}. */
  public static final List<String> FILES =
      List.of(
          "00-ippool-default.yaml",
          "01-tenant-123.yaml",
          "02-cloudpods.yaml",
          "03-podset-workers.yaml",
          "04-backuppolicy-nightly.yaml",
          "05-west.yaml");

  private final Admission admission;

  public ExampleManifests(Admission admission) {
    this.admission = admission;
  }

  /** Every example document, parsed. */
  public static List<JsonNode> documents() {
    List<JsonNode> docs = new ArrayList<>();
    for (String file : FILES) {
      try (InputStream in =
          ExampleManifests.class.getClassLoader().getResourceAsStream("examples/" + file)) {
        if (in == null) {
          throw new IllegalStateException(
              "example manifest missing from the classpath: examples/" + file);
        }
        docs.addAll(
            ManifestParser.parseDocuments(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return docs;
  }

  /** Applies the manifests of {@code file} as one batch (as admin). */
  public List<Admission.Result> applyFile(java.nio.file.Path file) {
    try {
      return admission.admit(
          ManifestParser.parseDocuments(java.nio.file.Files.readString(file)),
          Caller.ANONYMOUS_ADMIN,
          false,
          true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Applies all examples as one batch (as admin); objects already present are left unchanged. */
  public List<Admission.Result> apply() {
    return admission.admit(documents(), Caller.ANONYMOUS_ADMIN, false, true);
  }
}
