package io.cloudpods.cli;

import static io.cloudpods.cli.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WaitCommandTest {
  private CliHarness cli;
  private final List<String> paths = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    cli.close();
  }

  /** Answers the n-th request (0-based) with {@code answer.apply(n)}. */
  private void serve(IntFunction<MockResponse> answer) {
    AtomicInteger n = new AtomicInteger();
    cli.server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            synchronized (paths) {
              paths.add(r.getPath());
            }
            return answer.apply(n.getAndIncrement());
          }
        });
  }

  private static String creating(String message) {
    return pod("t", "web-1", "Provisioning", "False", 9101, "pve1", null, 60)
        .replace("cloning template 9000", message);
  }

  @Test
  void wait_becomesReady_printsConditionMetAndExitsZero() {
    serve(
        n ->
            CliHarness.json(
                n < 3
                    ? creating("cloning template 9000")
                    : pod("t", "web-1", "Running", "True", 9101, "pve1", "10.1.10.91", 60)));

    assertThat(
            cli.run(
                "wait",
                "cloudpod/web-1",
                "--for=condition=Ready",
                "--tenant",
                "t",
                "--timeout=10s"))
        .isZero();

    assertThat(cli.out).isEqualTo("cloudpod.cloudpods.io/web-1 condition met\n");
    assertThat(paths).hasSize(4).allMatch(p -> p.equals("/api/v1/tenants/t/cloudpods/web-1"));
  }

  @Test
  void wait_timeout_exitsOneNamingPendingObjectsAndWhy() {
    serve(n -> CliHarness.json(creating("cloning template 9000")));

    assertThat(
            cli.run(
                "wait", "cp", "web-1", "--for", "condition=Ready", "-n", "t", "--timeout=300ms"))
        .isEqualTo(1);

    assertThat(cli.out).isEmpty();
    List<String> err = cli.err.lines().toList();
    assertThat(err.get(err.size() - 2))
        .isEqualTo(
            "error: timed out after 300ms waiting for condition Ready=True: 1 of 1 not done");
    assertThat(err.get(err.size() - 1))
        .isEqualTo("  cloudpod/web-1 (tenant t): Creating: cloning template 9000");
  }

  @Test
  void wait_nonTerminal_printsAProgressLineOnlyWhenSomethingChanges() {
    serve(
        n ->
            CliHarness.json(
                n < 10
                    ? creating("cloning template 9000")
                    : n < 20
                        ? creating("starting container")
                        : pod("t", "web-1", "Running", "True", 9101, "pve1", "10.1.10.91", 60)));

    assertThat(
            cli.run("wait", "cloudpod/web-1", "--for=condition=Ready", "-n", "t", "--timeout=10s"))
        .isZero();

    assertThat(paths.size()).isGreaterThan(20);
    assertThat(cli.err.lines().toList())
        .containsExactly(
            "[0/1 ready] cloudpod/web-1: Creating: cloning template 9000",
            "[0/1 ready] cloudpod/web-1: Creating: starting container");
    assertThat(cli.err).doesNotContain("\033[");
  }

  @Test
  void wait_onTerminal_redrawsProgressInPlace() {
    cli.terminal = true;
    serve(
        n ->
            CliHarness.json(
                n < 3
                    ? creating("cloning template 9000")
                    : pod("t", "web-1", "Running", "True", 9101, "pve1", "10.1.10.91", 60)));

    assertThat(cli.run("wait", "cloudpod/web-1", "--for=condition=Ready", "-n", "t")).isZero();

    assertThat(cli.err)
        .contains(
            "waiting: 0/1 ready (0s of 5m0s)\n  cloudpod/web-1: Creating: cloning template 9000\n");
    assertThat(cli.err).contains("\033[2F\033[J");
    assertThat(cli.out).isEqualTo("cloudpod.cloudpods.io/web-1 condition met\n");
  }

  @Test
  void wait_staleGeneration_isNotReadyYet() {
    String stale =
        pod("t", "web-1", "Running", "True", 9101, "pve1", "10.1.10.91", 60)
            .replace("\"generation\":1", "\"generation\":2");
    serve(n -> CliHarness.json(stale));

    assertThat(
            cli.run(
                "wait", "cloudpod/web-1", "--for=condition=Ready", "-n", "t", "--timeout=100ms"))
        .isEqualTo(1);

    assertThat(cli.err)
        .contains(
            "cloudpod/web-1 (tenant t): NotObserved: the controller has not reconciled generation 2 yet");
  }

  @Test
  void wait_severalPodsOfOneTenant_pollsTheListOnce() {
    serve(
        n ->
            CliHarness.json(
                Fixtures.list(
                    "CloudPod",
                    pod("t", "a", "Running", "True", 1, "n", "1.1.1.1", 5),
                    pod("t", "b", "Running", n == 0 ? "False" : "True", 2, "n", "1.1.1.2", 5),
                    pod("t", "other", "Running", "False", 3, "n", "1.1.1.3", 5))));

    assertThat(cli.run("wait", "cp/a", "cp/b", "--for=condition=Ready", "-n", "t")).isZero();

    assertThat(paths).hasSize(2).allMatch(p -> p.equals("/api/v1/tenants/t/cloudpods"));
    assertThat(cli.out)
        .isEqualTo(
            "cloudpod.cloudpods.io/a condition met\ncloudpod.cloudpods.io/b condition met\n");
    assertThat(cli.err).isEqualTo("[1/2 ready] cloudpod/b: Creating: cloning template 9000\n");
  }

  @Test
  void wait_forDelete_endsWhenTheServerAnswersNotFound() {
    String deleting =
        pod("t", "web-1", "Deleting", "False", 9101, "pve1", "10.1.10.91", 60)
            .replace(
                "\"resourceVersion\"",
                "\"deletionTimestamp\":\"" + Fixtures.ago(1) + "\",\"resourceVersion\"");
    serve(
        n ->
            n < 2
                ? CliHarness.json(deleting)
                : CliHarness.json(
                    404, Fixtures.error(404, "NotFound", "CloudPod t/web-1 not found", "[]")));

    assertThat(cli.run("wait", "cloudpod/web-1", "--for=delete", "-n", "t")).isZero();

    assertThat(cli.out).isEqualTo("cloudpod.cloudpods.io/web-1 deleted\n");
    assertThat(cli.err)
        .isEqualTo("[0/1 deleted] cloudpod/web-1: Deleting: cloning template 9000\n");
  }

  @Test
  void wait_forTenantDelete_showsWhatTheTenantWaitsFor_andEndsWhenItIsGone() {
    String deleting =
        "{\"kind\":\"Tenant\",\"metadata\":{\"name\":\"acme\",\"deletionTimestamp\":\""
            + Fixtures.ago(1)
            + "\"},\"status\":{\"phase\":\"Deleting\",\"conditions\":[{\"type\":\"Ready\","
            + "\"status\":\"False\",\"reason\":\"WaitingForPods\",\"message\":"
            + "\"1 CloudPod(s) and 0 PodSet(s) still being deleted; pods: db (ProxmoxError)\"}]}}";
    serve(
        n ->
            n < 2
                ? CliHarness.json(deleting)
                : CliHarness.json(
                    404, Fixtures.error(404, "NotFound", "Tenant acme not found", "[]")));

    assertThat(cli.run("wait", "tenant/acme", "--for=delete")).isZero();

    assertThat(paths).allMatch(p -> p.equals("/api/v1/tenants/acme"));
    assertThat(cli.out).isEqualTo("tenant.cloudpods.io/acme deleted\n");
    assertThat(cli.err)
        .isEqualTo(
            "[0/1 deleted] tenant/acme: Deleting: 1 CloudPod(s) and 0 PodSet(s) still being"
                + " deleted; pods: db (ProxmoxError)\n");
  }

  @Test
  void wait_podsetWithoutConditions_isReadyWhenEveryReplicaIs() {
    serve(
        n ->
            CliHarness.json(
                "{\"kind\":\"PodSet\",\"metadata\":{\"name\":\"workers\",\"tenant\":\"t\",\"generation\":1},\"spec\":{\"replicas\":3},"
                    + "\"status\":{\"observedGeneration\":1,\"replicas\":3,\"readyReplicas\":"
                    + Math.min(n + 1, 3)
                    + "}}"));

    assertThat(cli.run("wait", "podset/workers", "--for=condition=Ready", "-n", "t")).isZero();

    assertThat(cli.err.lines().toList())
        .containsExactly(
            "[0/1 ready] podset/workers: 1/3 replicas ready",
            "[0/1 ready] podset/workers: 2/3 replicas ready");
  }

  @Test
  void wait_forbidden_failsAtOnce() {
    serve(
        n ->
            CliHarness.json(
                403,
                Fixtures.error(
                    403, "Forbidden", "token 'x' may not read CloudPod in tenant t", "[]")));

    assertThat(cli.run("wait", "cloudpod/web-1", "--for=condition=Ready", "-n", "t")).isEqualTo(1);

    assertThat(cli.err).isEqualTo("error: token 'x' may not read CloudPod in tenant t\n");
    assertThat(paths).hasSize(1);
  }

  @Test
  void wait_withoutFor_isUsageError() {
    assertThat(cli.run("wait", "cloudpod/web-1", "-n", "t")).isEqualTo(2);
    assertThat(cli.err).isEqualTo("error: wait needs --for=condition=Ready or --for=delete\n");
  }

  @Test
  void wait_badTimeout_isUsageError() {
    assertThat(cli.run("wait", "cloudpod/web-1", "-n", "t", "--for=delete", "--timeout=soon"))
        .isEqualTo(2);
    assertThat(cli.err)
        .isEqualTo("error: invalid duration 'soon' for --timeout (e.g. 30s, 5m, 1h)\n");
  }

  @Test
  void durations_parseLikeGo() {
    assertThat(CliMain.parseDuration("1m30s", "t")).hasSeconds(90);
    assertThat(CliMain.parseDuration("500ms", "t")).hasMillis(500);
    assertThat(CliMain.parseDuration("2h", "t")).hasHours(2);
    assertThat(CliMain.parseDuration("45", "t")).hasSeconds(45);
    assertThat(Table.goDuration(java.time.Duration.ofMinutes(5))).isEqualTo("5m0s");
  }
}
