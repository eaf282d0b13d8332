package io.cloudpods.cli;

import static io.cloudpods.cli.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DescribeDeleteTest {
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
  void describe_showsSpecStatusConditionsAndOnlyThatObjectsEvents() throws Exception {
    cli.enqueue(pod("t", "web-1", "Provisioning", "False", 9101, "pve1", null, 600));
    cli.enqueue(
        "["
            + EventsCommandTest.event(1, "Scheduled", "web-1", "placed on pve1")
            + ","
            + EventsCommandTest.event(2, "Scheduled", "web-2", "placed on pve2")
            + "]");

    assertThat(cli.run("describe", "cloudpod", "web-1", "--tenant", "t")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/t/cloudpods/web-1");
    assertThat(cli.take().getPath()).isEqualTo("/api/v1/events?limit=500&tenant=t");
    assertThat(cli.out)
        .contains(
            "Name:             web-1\n",
            "Kind:             CloudPod\n",
            "Tenant:           t\n",
            "Labels:           app=web\n")
        .contains("Generation:       1 (observed 1)\n")
        .contains("Spec:\n  cores: 2\n  memoryMb: 2048\n")
        .contains("Status:\n  phase: Provisioning\n  vmid: 9101\n  node: pve1\n")
        .contains("placed on pve1")
        .doesNotContain("placed on pve2");
    assertThat(
            cli.out
                .lines()
                .filter(
                    l ->
                        l.matches(
                            "\\s+Ready\\s+False\\s+Creating\\s+10m\\s+cloning template 9000")))
        .hasSize(1);
  }

  @Test
  void describe_showsEachEventsActorAndARepeatedEventsCount() throws Exception {
    cli.enqueue(pod("t", "web-1", "Provisioning", "False", 9101, "pve1", null, 600));
    cli.enqueue("[" + EventsCommandTest.series(4, "web-1", "connection refused", 12, 180) + "]");

    assertThat(cli.run("describe", "cloudpod", "web-1", "--tenant", "t")).isZero();

    assertThat(
            cli.out
                .lines()
                .filter(l -> l.matches("\\s+AGE\\s+LEVEL\\s+REASON\\s+ACTOR\\s+MESSAGE")))
        .hasSize(1);
    assertThat(
            cli.out
                .lines()
                .filter(
                    l ->
                        l.matches(
                            "\\s+1h\\s+warn\\s+ProxmoxUnreachable\\s+controller\\s+"
                                + "connection refused \\(x12, last 3m ago\\)")))
        .hasSize(1);
  }

  @Test
  void describe_withoutName_isUsageError() {
    assertThat(cli.run("describe", "cloudpod")).isEqualTo(2);
    assertThat(cli.err).isEqualTo("error: usage: cloudpods describe KIND NAME [--tenant T]\n");
  }

  @Test
  void delete_byName_sendsDeleteAndPrintsKubectlLine() throws Exception {
    cli.enqueue(pod("t", "web-1", "Deleting", "False", 9101, "pve1", null, 600));

    assertThat(cli.run("delete", "cp", "web-1", "-n", "t")).isZero();

    RecordedRequest r = cli.take();
    assertThat(r.getMethod()).isEqualTo("DELETE");
    assertThat(r.getPath()).isEqualTo("/api/v1/tenants/t/cloudpods/web-1");
    assertThat(r.getHeader("Authorization")).isEqualTo("Bearer test-token");
    assertThat(cli.out).isEqualTo("cloudpod.cloudpods.io \"web-1\" deleted\n");
  }

  @Test
  void delete_file_deletesOwnedObjectsBeforeTheirOwners() throws Exception {
    cli.write(
        "all.yaml",
        "kind: Tenant\nmetadata: {name: t}\n---\nkind: IpPool\nmetadata: {name: default}\n---\n"
            + "kind: PodSet\nmetadata: {name: workers, tenant: t}\n---\nkind: CloudPod\nmetadata: {name: web-1, tenant: t}\n");
    for (int i = 0; i < 4; i++) {
      cli.enqueue("{}");
    }

    assertThat(cli.run("delete", "-f", "all.yaml")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/t/cloudpods/web-1");
    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/t/podsets/workers");
    assertThat(cli.take().getPath()).isEqualTo("/api/v1/ippools/default");
    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/t");
  }

  @Test
  void delete_fileWithATenantAndItsPods_succeeds_podsAlreadyGoneAreNoFailure() throws Exception {
    cli.write(
        "tenant.yaml",
        "kind: Tenant\nmetadata: {name: t}\n---\n"
            + "kind: CloudPod\nmetadata: {name: web-1, tenant: t}\n---\n"
            + "kind: CloudPod\nmetadata: {name: web-2, tenant: t}\n");
    cli.enqueue("{}");
    cli.server.enqueue(
        CliHarness.json(404, Fixtures.error(404, "NotFound", "CloudPod t/web-2 not found", "[]")));
    cli.enqueue("{\"kind\":\"Tenant\",\"metadata\":{\"name\":\"t\"}}");

    assertThat(cli.run("delete", "-f", "tenant.yaml")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/t/cloudpods/web-1");
    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/t/cloudpods/web-2");
    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tenants/t");
    assertThat(cli.err).isEmpty();
    assertThat(cli.out)
        .isEqualTo(
            "cloudpod.cloudpods.io \"web-1\" deleted\n"
                + "cloudpod.cloudpods.io \"web-2\" already gone\n"
                + "tenant.cloudpods.io \"t\" deletion requested\n");
  }

  @Test
  void delete_podMissing_inATenantTheCommandDoesNotDelete_isStillAFailure() {
    cli.server.enqueue(
        CliHarness.json(404, Fixtures.error(404, "NotFound", "CloudPod t/a not found", "[]")));

    assertThat(cli.run("delete", "cp", "a", "-n", "t")).isEqualTo(1);

    assertThat(cli.out).isEmpty();
  }

  @Test
  void delete_missingObject_reportsAndContinues_exitOne() throws Exception {
    cli.server.enqueue(
        CliHarness.json(404, Fixtures.error(404, "NotFound", "CloudPod t/a not found", "[]")));
    cli.enqueue("{}");

    assertThat(cli.run("delete", "cp", "a", "b", "-n", "t")).isEqualTo(1);

    assertThat(cli.err).isEqualTo("error: CloudPod t/a not found\n");
    assertThat(cli.out).isEqualTo("cloudpod.cloudpods.io \"b\" deleted\n");
  }

  @Test
  void delete_missingObject_ignoredOnRequest() {
    cli.server.enqueue(
        CliHarness.json(404, Fixtures.error(404, "NotFound", "CloudPod t/a not found", "[]")));

    assertThat(cli.run("delete", "cp", "a", "-n", "t", "--ignore-not-found")).isZero();

    assertThat(cli.err).isEmpty();
  }

  @Test
  void delete_conflictFromServer_passesReasonThrough() {
    cli.server.enqueue(
        CliHarness.json(
            409,
            Fixtures.error(
                409,
                "Conflict",
                "tenant t still owns 3 CloudPods",
                "[{\"field\":\"metadata.name\",\"message\":\"in use\"}]")));

    assertThat(cli.run("delete", "tenant", "t")).isEqualTo(1);

    assertThat(cli.err).isEqualTo("error: tenant t still owns 3 CloudPods\n");
  }
}
