package io.cloudpods.cli;

import static io.cloudpods.cli.Fixtures.list;
import static io.cloudpods.cli.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.ServerSocket;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GetCommandTest {
  private CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    cli.close();
  }

  @Test
  void get_cloudpodsTable_showsVmidNodeIp() throws Exception {
    cli.enqueue(
        list(
            "CloudPod",
            pod("tenant-123", "web-1", "Running", "True", 9101, "pve1", "10.1.10.91", 300),
            pod("tenant-7", "db-1", "Pending", "False", null, null, null, 130)));

    assertThat(cli.run("get", "cloudpods")).isZero();

    RecordedRequest r = cli.take();
    assertThat(r.getMethod()).isEqualTo("GET");
    assertThat(r.getPath()).isEqualTo("/api/v1/cloudpods");
    assertThat(r.getHeader("Authorization")).isEqualTo("Bearer test-token");
    String[] lines = cli.out.split("\n");
    assertThat(lines[0].split("\\s+"))
        .containsExactly("NAME", "TENANT", "PHASE", "READY", "VMID", "NODE", "IP", "AGE");
    assertThat(lines[1].split("\\s+"))
        .containsExactly(
            "web-1", "tenant-123", "Running", "True", "9101", "pve1", "10.1.10.91", "5m");
    assertThat(lines[2].split("\\s+"))
        .containsExactly(
            "db-1", "tenant-7", "Pending", "False", "<none>", "<none>", "<none>", "2m");
    assertThat(lines).hasSize(3);
    // columns line up: every row starts its IP column where the header does
    assertThat(lines[1].indexOf("10.1.10.91")).isEqualTo(lines[0].indexOf("IP"));
    assertThat(cli.err).isEmpty();
  }

  @Test
  void get_clusters_showsRegionReachabilityNodesVersionAndLastContact() throws Exception {
    String west =
        "{\"kind\":\"ProxmoxCluster\",\"metadata\":{\"name\":\"west\",\"creationTimestamp\":\""
            + Fixtures.ago(600)
            + "\"},\"spec\":{\"region\":\"migra-us-west-1\",\"url\":\"https://pve-w:8006/api2/json\","
            + "\"tokenId\":\"cloudpods@pve!controller\",\"tokenSecretEnv\":\"WEST\"},"
            + "\"status\":{\"conditions\":[{\"type\":\"Reachable\",\"status\":\"False\","
            + "\"reason\":\"Unreachable\"}],\"lastContact\":\""
            + Fixtures.ago(120)
            + "\",\"version\":\"8.2.4\",\"nodes\":[{\"name\":\"pve\",\"online\":true},"
            + "{\"name\":\"pve-02\",\"online\":false}]}}";
    String dflt =
        "{\"kind\":\"ProxmoxCluster\",\"metadata\":{\"name\":\"default\"},"
            + "\"spec\":{\"region\":\"migra-us-east-1\"},\"status\":{\"conditions\":"
            + "[{\"type\":\"Reachable\",\"status\":\"True\",\"reason\":\"Answered\"}],"
            + "\"lastContact\":\""
            + Fixtures.ago(3)
            + "\",\"version\":\"8.2.4\",\"nodes\":[{\"name\":\"pve\",\"online\":true}]}}";
    cli.enqueue(list("ProxmoxCluster", dflt, west));

    assertThat(cli.run("get", "clusters", "-o", "wide")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/proxmoxclusters");
    String[] lines = cli.out.split("\n");
    assertThat(lines[0].split("\\s+"))
        .containsExactly(
            "NAME",
            "REGION",
            "REACHABLE",
            "NODES",
            "VERSION",
            "LAST-CONTACT",
            "AGE",
            "URL",
            "TOKEN-ID",
            "ZONES",
            "REASON");
    assertThat(lines[1].split("\\s+"))
        .containsExactly(
            "default",
            "migra-us-east-1",
            "True",
            "1/1",
            "8.2.4",
            "3s",
            "ago",
            "<config>",
            "<none>",
            "<none>",
            "<none>",
            "<none>");
    assertThat(lines[2].split("\\s+"))
        .containsExactly(
            "west",
            "migra-us-west-1",
            "False",
            "1/2",
            "8.2.4",
            "2m",
            "ago",
            "10m",
            "https://pve-w:8006/api2/json",
            "cloudpods@pve!controller",
            "<none>",
            "Unreachable");
  }

  @Test
  void get_cloudpodsWithTenantFlag_listsThatTenantOnly() throws Exception {
    cli.enqueue(list("CloudPod"));

    assertThat(cli.run("get", "cp", "--tenant", "tenant-123")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/tenant-123/cloudpods");
    assertThat(cli.out).isEmpty();
    assertThat(cli.err).isEqualTo("No resources found in tenant tenant-123.\n");
  }

  @Test
  void get_tenantFromEnvironment_whenNoFlag() throws Exception {
    cli.env.put("CLOUDPODS_TENANT", "acme");
    cli.enqueue(list("PodSet"));

    assertThat(cli.run("get", "podsets")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/acme/podsets");
  }

  @Test
  void get_wide_addsSizePowerTemplateRegionZoneAndReason() throws Exception {
    cli.enqueue(
        list("CloudPod", pod("t", "web-1", "Provisioning", "False", 9101, "pve1", null, 610)));

    assertThat(cli.run("get", "pods", "-o", "wide")).isZero();

    String[] lines = cli.out.split("\n");
    assertThat(lines[0].split("\\s+"))
        .containsExactly(
            "NAME",
            "TENANT",
            "PHASE",
            "READY",
            "VMID",
            "NODE",
            "IP",
            "AGE",
            "CORES",
            "MEMORY",
            "DISK",
            "POWER",
            "TEMPLATE",
            "REGION",
            "ZONE",
            "REASON");
    assertThat(lines[1].split("\\s+"))
        .containsExactly(
            "web-1",
            "t",
            "Provisioning",
            "False",
            "9101",
            "pve1",
            "<none>",
            "10m",
            "2",
            "2048Mi",
            "8Gi",
            "Running",
            "9000",
            "<none>",
            "<none>",
            "Creating");
  }

  @Test
  void get_oneByName_json_printsTheServerObjectExactly() throws Exception {
    String body = pod("tenant-123", "web-1", "Running", "True", 9101, "pve1", "10.1.10.91", 60);
    cli.enqueue(body);

    assertThat(cli.run("get", "cloudpod", "web-1", "-n", "tenant-123", "-o", "json")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/tenant-123/cloudpods/web-1");
    ObjectMapper m = new ObjectMapper();
    assertThat(m.readTree(cli.out)).isEqualTo(m.readTree(body));
  }

  @Test
  void get_list_yaml_printsTheServerListShape() throws Exception {
    String body =
        list(
            "Tenant",
            "{\"apiVersion\":\"cloudpods.io/v1alpha1\",\"kind\":\"Tenant\",\"metadata\":{\"name\":\"t1\",\"labels\":{\"plan\":\"007\"}},\"spec\":{\"displayName\":\"yes\"}}");
    cli.enqueue(body);

    assertThat(cli.run("get", "tenants", "-oyaml")).isZero();

    JsonNode printed = new YAMLMapper().readTree(cli.out);
    assertThat(printed).isEqualTo(new ObjectMapper().readTree(body));
    assertThat(cli.out).startsWith("apiVersion: cloudpods.io/v1alpha1\nkind: TenantList\n");
  }

  @Test
  void get_name_printsKindSlashName() throws Exception {
    cli.enqueue(
        list(
            "CloudPod",
            pod("t", "a", "Running", "True", 1, "n", "1.2.3.4", 1),
            pod("t", "b", "Running", "True", 2, "n", "1.2.3.5", 1)));

    assertThat(cli.run("get", "cloudpods", "-o", "name")).isZero();

    assertThat(cli.out).isEqualTo("cloudpod/a\ncloudpod/b\n");
  }

  @Test
  void get_tenantsTable_showsUsageAgainstQuota() throws Exception {
    cli.enqueue(
        list(
            "Tenant",
            "{\"metadata\":{\"name\":\"tenant-123\",\"creationTimestamp\":\""
                + Fixtures.ago(3 * 3600)
                + "\"},"
                + "\"spec\":{\"quota\":{\"maxPods\":10,\"maxCores\":20,\"maxMemoryMb\":20480}},"
                + "\"status\":{\"usage\":{\"pods\":3,\"cores\":4,\"memoryMb\":4096,\"diskGb\":24},\"quota\":{\"maxPods\":10,\"maxCores\":20,\"maxMemoryMb\":20480}}}"));

    assertThat(cli.run("get", "tn")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants");
    String[] lines = cli.out.split("\n");
    assertThat(lines[0].split("\\s+")).containsExactly("NAME", "PODS", "CORES", "MEMORY", "AGE");
    assertThat(lines[1].split("\\s+"))
        .containsExactly("tenant-123", "3/10", "4/20", "4096/20480Mi", "3h");
  }

  @Test
  void get_ippoolsTable_showsRangeAllocatedFree() throws Exception {
    cli.enqueue(
        list(
            "IpPool",
            "{\"metadata\":{\"name\":\"default\",\"creationTimestamp\":\""
                + Fixtures.ago(4 * 86400)
                + "\"},"
                + "\"spec\":{\"cidr\":\"10.1.10.0/24\",\"rangeStart\":\"10.1.10.50\",\"rangeEnd\":\"10.1.10.250\"},"
                + "\"status\":{\"size\":201,\"allocated\":5,\"reserved\":2,\"free\":194}}"));

    assertThat(cli.run("get", "ipp")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/ippools");
    String[] lines = cli.out.split("\n");
    assertThat(lines[0].split("\\s+"))
        .containsExactly("NAME", "CIDR", "RANGE", "ALLOCATED", "FREE", "AGE");
    assertThat(lines[1].split("\\s+"))
        .containsExactly("default", "10.1.10.0/24", "10.1.10.50-10.1.10.250", "5", "194", "4d");
  }

  @Test
  void get_podsetsTable_showsReadyOfReplicas() throws Exception {
    cli.enqueue(
        list(
            "PodSet",
            "{\"metadata\":{\"name\":\"workers\",\"tenant\":\"t\",\"creationTimestamp\":\""
                + Fixtures.ago(130)
                + "\"},"
                + "\"spec\":{\"replicas\":3,\"template\":{\"spec\":{\"cores\":1}}},\"status\":{\"replicas\":3,\"readyReplicas\":2}}"));

    assertThat(cli.run("get", "ps", "-n", "t")).isZero();

    String[] lines = cli.out.split("\n");
    assertThat(lines[0].split("\\s+"))
        .containsExactly("NAME", "TENANT", "REPLICAS", "READY", "AGE");
    assertThat(lines[1].split("\\s+")).containsExactly("workers", "t", "3", "2/3", "2m");
  }

  @ParameterizedTest
  @CsvSource({
    "tenant,/api/v1/tenants",
    "Tenants,/api/v1/tenants",
    "TN,/api/v1/tenants",
    "ippool,/api/v1/ippools",
    "ippools,/api/v1/ippools",
    "pool,/api/v1/ippools",
    "pools,/api/v1/ippools",
    "IPP,/api/v1/ippools",
    "cloudpod,/api/v1/tenants/t/cloudpods",
    "CloudPods,/api/v1/tenants/t/cloudpods",
    "cp,/api/v1/tenants/t/cloudpods",
    "pod,/api/v1/tenants/t/cloudpods",
    "PODS,/api/v1/tenants/t/cloudpods",
    "podset,/api/v1/tenants/t/podsets",
    "PodSets,/api/v1/tenants/t/podsets",
    "ps,/api/v1/tenants/t/podsets"
  })
  void get_kindAliases_reachTheKindsCollection(String alias, String path) throws Exception {
    cli.enqueue(list("X"));

    assertThat(cli.run("get", alias, "--tenant=t")).isZero();

    assertThat(cli.take().getPath()).isEqualTo(path);
  }

  @Test
  void get_kindSlashName_readsThatObject() throws Exception {
    cli.enqueue("{\"metadata\":{\"name\":\"default\"},\"spec\":{}}");

    assertThat(cli.run("get", "ippool/default")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/ippools/default");
  }

  @Test
  void get_unknownKind_isUsageErrorNamingIt() {
    assertThat(cli.run("get", "widgets")).isEqualTo(2);

    assertThat(cli.err).startsWith("error: unknown resource kind 'widgets'");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void get_podsetsWithoutTenant_isUsageError() {
    assertThat(cli.run("get", "podsets")).isEqualTo(2);

    assertThat(cli.err).contains("--tenant");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void get_unknownFlag_isUsageErrorNamingIt() {
    assertThat(cli.run("get", "cloudpods", "--colour")).isEqualTo(2);

    assertThat(cli.err).isEqualTo("error: unknown flag '--colour'\n");
  }

  @Test
  void get_flagOfAnotherCommand_isUsageError() {
    assertThat(cli.run("get", "cloudpods", "--dry-run")).isEqualTo(2);

    assertThat(cli.err).isEqualTo("error: unknown flag '--dry-run' for 'get'\n");
  }

  @Test
  void get_unknownOutputFormat_isUsageError() {
    assertThat(cli.run("get", "cloudpods", "-o", "xml")).isEqualTo(2);

    assertThat(cli.err).contains("unknown output format 'xml'");
  }

  @Test
  void get_notFound_passesTheServerMessageThrough() {
    cli.server.enqueue(
        CliHarness.json(404, Fixtures.error(404, "NotFound", "CloudPod t/nope not found", "[]")));

    assertThat(cli.run("get", "cp", "nope", "-n", "t")).isEqualTo(1);

    assertThat(cli.err).isEqualTo("error: CloudPod t/nope not found\n");
    assertThat(cli.out).isEmpty();
  }

  @Test
  void get_serverAnswersNonJsonError_showsStatusAndText() {
    cli.server.enqueue(
        new okhttp3.mockwebserver.MockResponse()
            .setResponseCode(502)
            .setBody("Bad Gateway from proxy"));

    assertThat(cli.run("get", "cp")).isEqualTo(1);

    assertThat(cli.err)
        .isEqualTo("error: the server answered 502 Server Error: Bad Gateway from proxy\n");
  }

  @Test
  void get_connectionRefused_saysTheApiIsNotReachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;

    assertThat(cli.run("get", "cloudpods", "--server", url)).isEqualTo(1);

    assertThat(cli.err)
        .isEqualTo(
            "error: cannot reach the CloudPods API at "
                + url
                + " (is 'cloudpods serve' running?)\n");
  }

  @Test
  void get_serverFlag_beatsEnvironment() throws Exception {
    cli.env.put("CLOUDPODS_SERVER", "http://127.0.0.1:1");
    cli.enqueue(list("Tenant"));

    assertThat(cli.run("--server=" + cli.baseUrl(), "get", "tenants")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants");
  }

  @Test
  void get_serverWithPathPrefix_keepsThePrefix() throws Exception {
    cli.enqueue(list("Tenant"));

    assertThat(cli.run("get", "tenants", "--server", cli.baseUrl() + "/cloudpods/")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/cloudpods/api/v1/tenants");
  }

  @Test
  void get_json_isIndentedLikeKubectl() throws Exception {
    cli.enqueue(
        "{\"kind\":\"IpPool\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"nameservers\":[\"1.1.1.1\",\"8.8.8.8\"],\"size\":1.50}}");

    assertThat(cli.run("get", "pool", "p", "-o", "json")).isZero();

    assertThat(cli.out)
        .isEqualTo(
            """
            {
              "kind": "IpPool",
              "metadata": {
                "name": "p"
              },
              "spec": {
                "nameservers": [
                  "1.1.1.1",
                  "8.8.8.8"
                ],
                "size": 1.50
              }
            }
            """);
  }

  @Test
  void age_readsLikeKubectl() {
    assertThat(Table.shortDuration(java.time.Duration.ofSeconds(5))).isEqualTo("5s");
    assertThat(Table.shortDuration(java.time.Duration.ofSeconds(59))).isEqualTo("59s");
    assertThat(Table.shortDuration(java.time.Duration.ofMinutes(3).plusSeconds(20)))
        .isEqualTo("3m");
    assertThat(Table.shortDuration(java.time.Duration.ofHours(2).plusMinutes(59))).isEqualTo("2h");
    assertThat(Table.shortDuration(java.time.Duration.ofDays(4).plusHours(23))).isEqualTo("4d");
    assertThat(Table.shortDuration(java.time.Duration.ofDays(800))).isEqualTo("2y");
    assertThat(Table.shortDuration(java.time.Duration.ofMillis(-500))).isEqualTo("0s");
    assertThat(
            Table.age(
                new com.fasterxml.jackson.databind.node.TextNode("garbage"),
                java.time.Instant.now()))
        .isEqualTo("<unknown>");
  }
}
