package io.cloudpods.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApplyCommandTest {
  static final String POOL =
      """
      apiVersion: cloudpods.io/v1alpha1
      kind: IpPool
      metadata:
        name: default
      spec:
        cidr: 10.1.10.0/24
      """;
  static final String PODS =
      """
      # two pods
      apiVersion: cloudpods.io/v1alpha1
      kind: CloudPod
      metadata:
        name: web-1
        tenant: tenant-123
      spec:
        cores: 1
      ---
      ---
      apiVersion: cloudpods.io/v1alpha1
      kind: CloudPod
      metadata:
        name: web-2
        tenant: tenant-123
      spec:
        cores: 2
      """;

  private CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    cli.close();
  }

  static String applied(String... items) {
    return "{\"dryRun\":false,\"items\":[" + String.join(",", items) + "]}";
  }

  static String item(String kind, String tenant, String name, String result) {
    return "{\"kind\":\""
        + kind
        + "\",\"tenant\":"
        + (tenant == null ? "null" : "\"" + tenant + "\"")
        + ",\"name\":\""
        + name
        + "\",\"result\":\""
        + result
        + "\",\"object\":{\"metadata\":{\"name\":\""
        + name
        + "\"}}}";
  }

  static List<JsonNode> documents(String yaml) throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    YAMLMapper m = new YAMLMapper();
    try (MappingIterator<JsonNode> it =
        m.readValues(m.getFactory().createParser(yaml), JsonNode.class)) {
      while (it.hasNextValue()) {
        docs.add(it.nextValue());
      }
    }
    return docs;
  }

  @Test
  void apply_file_postsOneYamlBatchAndPrintsKubectlLines() throws Exception {
    cli.write("pods.yaml", PODS);
    cli.enqueue(
        applied(
            item("CloudPod", "tenant-123", "web-1", "created"),
            item("CloudPod", "tenant-123", "web-2", "unchanged")));

    assertThat(cli.run("apply", "-f", "pods.yaml")).isZero();

    RecordedRequest r = cli.take();
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getPath()).isEqualTo("/api/v1/apply");
    assertThat(r.getHeader("Content-Type")).startsWith("application/yaml");
    assertThat(r.getHeader("Authorization")).isEqualTo("Bearer test-token");
    List<JsonNode> sent = documents(r.getBody().readUtf8());
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).path("metadata").path("name").asText()).isEqualTo("web-1");
    assertThat(sent.get(1).path("spec").path("cores").asInt()).isEqualTo(2);
    assertThat(cli.out)
        .isEqualTo("cloudpod.cloudpods.io/web-1 created\ncloudpod.cloudpods.io/web-2 unchanged\n");
    assertThat(cli.server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void apply_dryRun_addsTheQueryAndSaysSo() throws Exception {
    cli.write("pool.yaml", POOL);
    cli.enqueue(
        "{\"dryRun\":true,\"items\":[" + item("IpPool", null, "default", "configured") + "]}");

    assertThat(cli.run("apply", "-f", "pool.yaml", "--dry-run")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/apply?dryRun=true");
    assertThat(cli.out).isEqualTo("ippool.cloudpods.io/default configured (dry run)\n");
  }

  @Test
  void apply_directory_sendsItsManifestFilesInNameOrder() throws Exception {
    cli.write("m/20-pods.yml", PODS);
    cli.write("m/10-pool.yaml", POOL);
    cli.write(
        "m/30-tenant.json",
        "{\"apiVersion\":\"cloudpods.io/v1alpha1\",\"kind\":\"Tenant\",\"metadata\":{\"name\":\"t\"},\"spec\":{}}");
    cli.write("m/README.md", "not a manifest: {{{");
    cli.enqueue(applied());

    assertThat(cli.run("apply", "-f", "m")).isZero();

    List<String> names =
        documents(cli.take().getBody().readUtf8()).stream()
            .map(d -> d.path("metadata").path("name").asText())
            .toList();
    assertThat(names).containsExactly("default", "web-1", "web-2", "t");
  }

  @Test
  void apply_stdin_readsTheManifestFromStandardInput() throws Exception {
    cli.stdin = POOL;
    cli.enqueue(applied(item("IpPool", null, "default", "created")));

    assertThat(cli.run("apply", "-f", "-")).isZero();

    assertThat(documents(cli.take().getBody().readUtf8()).get(0).path("spec").path("cidr").asText())
        .isEqualTo("10.1.10.0/24");
    assertThat(cli.out).isEqualTo("ippool.cloudpods.io/default created\n");
  }

  @Test
  void apply_malformedYaml_namesFileAndLine_andSendsNothing() throws Exception {
    cli.write("ok.yaml", POOL);
    cli.write("bad.yaml", "kind: CloudPod\nmetadata:\n  name: x\n   tenant: [oops\n");

    assertThat(cli.run("apply", "-f", "ok.yaml", "-f", "bad.yaml")).isEqualTo(1);

    assertThat(cli.err).startsWith("error: malformed manifest bad.yaml at line 4");
    assertThat(cli.err.lines().count()).isEqualTo(1);
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void apply_duplicateKey_isRefusedLocally() throws Exception {
    cli.write("dup.yaml", "kind: IpPool\nmetadata:\n  name: a\n  name: b\n");

    assertThat(cli.run("apply", "-f", "dup.yaml")).isEqualTo(1);

    assertThat(cli.err)
        .startsWith("error: malformed manifest dup.yaml at line 4")
        .contains("Duplicate field 'name'");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void apply_missingFile_namesIt() {
    assertThat(cli.run("apply", "-f", "nope.yaml")).isEqualTo(1);

    assertThat(cli.err).isEqualTo("error: cannot read nope.yaml: no such file or directory\n");
  }

  @Test
  void apply_unknownKindInManifest_namesFileAndDocument() throws Exception {
    cli.write("x.yaml", POOL + "---\nkind: Widget\nmetadata:\n  name: w\n");

    assertThat(cli.run("apply", "-f", "x.yaml")).isEqualTo(1);

    assertThat(cli.err)
        .isEqualTo(
            "error: x.yaml (document 2): unknown kind 'Widget' (known: Tenant, IpPool, CloudPod, PodSet, BackupPolicy, Backup, Restore)\n");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void apply_podWithoutTenant_takesTenantFlag() throws Exception {
    cli.write("p.yaml", "kind: CloudPod\nmetadata:\n  name: p\nspec: {}\n");
    cli.enqueue(applied(item("CloudPod", "acme", "p", "created")));

    assertThat(cli.run("apply", "-f", "p.yaml", "-n", "acme")).isZero();

    assertThat(
            documents(cli.take().getBody().readUtf8())
                .get(0)
                .path("metadata")
                .path("tenant")
                .asText())
        .isEqualTo("acme");
  }

  @Test
  void apply_podWithoutAnyTenant_isRefusedLocally() throws Exception {
    cli.write("p.yaml", "kind: CloudPod\nmetadata:\n  name: p\n");

    assertThat(cli.run("apply", "-f", "p.yaml")).isEqualTo(1);

    assertThat(cli.err)
        .isEqualTo("error: p.yaml: metadata.tenant is missing (required for CloudPod)\n");
  }

  @Test
  void apply_serverValidationError_namesFieldAndSourceFile() throws Exception {
    cli.write("pods.yaml", PODS);
    cli.server.enqueue(
        CliHarness.json(
            422,
            Fixtures.error(
                422,
                "Invalid",
                "items[1].spec.cores: must be at most 64",
                "[{\"field\":\"items[1].spec.cores\",\"message\":\"must be at most 64\"}]")));

    assertThat(cli.run("apply", "-f", "pods.yaml")).isEqualTo(1);

    assertThat(cli.err)
        .isEqualTo(
            "error: pods.yaml (document 2): cloudpod/web-2 spec.cores: must be at most 64\n");
    assertThat(cli.out).isEmpty();
  }

  @Test
  void apply_severalInvalidFields_listsEachOnItsOwnLine() throws Exception {
    cli.write("pods.yaml", PODS);
    cli.server.enqueue(
        CliHarness.json(
            422,
            Fixtures.error(
                422,
                "Invalid",
                "2 invalid fields, first items[0].spec.cores: must be at least 1",
                "[{\"field\":\"items[0].spec.cores\",\"message\":\"must be at least 1\"},"
                    + "{\"field\":\"items[1].spec.memoryMb\",\"message\":\"must be at least 128\"}]")));

    assertThat(cli.run("apply", "-f", "pods.yaml")).isEqualTo(1);

    assertThat(cli.err.lines().toList())
        .containsExactly(
            "error: 2 invalid fields, first pods.yaml (document 1): cloudpod/web-1 spec.cores: must be at least 1",
            "  pods.yaml (document 1): cloudpod/web-1 spec.cores: must be at least 1",
            "  pods.yaml (document 2): cloudpod/web-2 spec.memoryMb: must be at least 128");
  }

  @Test
  void apply_withoutFile_isUsageError() {
    assertThat(cli.run("apply")).isEqualTo(2);

    assertThat(cli.err).isEqualTo("error: -f FILE|DIR|- is required\n");
  }

  @Test
  void apply_wait_pollsUntilEveryObjectIsReady() throws Exception {
    cli.write("pool.yaml", POOL);
    cli.enqueue(applied(item("IpPool", null, "default", "created")));
    cli.enqueue(
        "{\"kind\":\"IpPool\",\"metadata\":{\"name\":\"default\",\"generation\":1},\"spec\":{},\"status\":{\"free\":3}}");

    assertThat(cli.run("apply", "-f", "pool.yaml", "--wait", "--timeout=5s")).isZero();

    cli.take();
    assertThat(cli.take().getPath()).isEqualTo("/api/v1/ippools/default");
    assertThat(cli.out)
        .isEqualTo(
            "ippool.cloudpods.io/default created\nippool.cloudpods.io/default condition met\n");
  }
}
