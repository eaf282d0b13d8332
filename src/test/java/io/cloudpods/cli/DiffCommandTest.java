package io.cloudpods.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DiffCommandTest {
  private CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness();
    cli.write(
        "pod.yaml",
        "kind: CloudPod\nmetadata:\n  name: web-1\n  tenant: t\n  labels: {app: api}\nspec:\n  cores: 4\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    cli.close();
  }

  private static String dryRun(String result, String object) {
    return "{\"dryRun\":true,\"items\":[{\"kind\":\"CloudPod\",\"tenant\":\"t\",\"name\":\"web-1\",\"result\":\""
        + result
        + "\",\"object\":"
        + object
        + "}]}";
  }

  private static final String WANTED =
      "{\"kind\":\"CloudPod\",\"metadata\":{\"name\":\"web-1\",\"tenant\":\"t\",\"labels\":{\"app\":\"api\"}},\"spec\":{\"cores\":4,\"memoryMb\":2048,\"powerState\":\"Running\"}}";
  private static final String STORED =
      "{\"kind\":\"CloudPod\",\"metadata\":{\"name\":\"web-1\",\"tenant\":\"t\",\"labels\":{\"app\":\"web\"},\"generation\":3},\"spec\":{\"cores\":2,\"memoryMb\":2048,\"powerState\":\"Running\"},\"status\":{\"phase\":\"Running\"}}";

  @Test
  void diff_unchanged_exitsZeroAndChangesNothing() throws Exception {
    cli.enqueue(dryRun("unchanged", WANTED));

    assertThat(cli.run("diff", "-f", "pod.yaml")).isZero();

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/apply?dryRun=true");
    assertThat(cli.out).isEqualTo("cloudpod.cloudpods.io/web-1 unchanged\n");
    assertThat(cli.server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void diff_changedSpecAndLabels_showsUnifiedLinesAndExitsOne() throws Exception {
    cli.enqueue(dryRun("configured", WANTED));
    cli.enqueue(STORED);

    assertThat(cli.run("diff", "-f", "pod.yaml")).isEqualTo(1);

    assertThat(cli.take().getPath()).isEqualTo("/api/v1/apply?dryRun=true");
    var get = cli.take();
    assertThat(get.getMethod()).isEqualTo("GET");
    assertThat(get.getPath()).isEqualTo("/api/v1/tenants/t/cloudpods/web-1");
    assertThat(cli.out)
        .isEqualTo(
            """
            cloudpod.cloudpods.io/web-1 changed
            --- cloudpod.cloudpods.io/web-1 (server)
            +++ cloudpod.cloudpods.io/web-1 (pod.yaml)
            -metadata.labels.app: web
            +metadata.labels.app: api
            -spec.cores: 2
            +spec.cores: 4
            """);
    assertThat(cli.err).isEmpty();
  }

  @Test
  void diff_newObject_showsEveryFieldAsAddedAndExitsOne() throws Exception {
    cli.enqueue(dryRun("created", WANTED));

    assertThat(cli.run("diff", "-f", "pod.yaml")).isEqualTo(1);

    assertThat(cli.out)
        .startsWith(
            "cloudpod.cloudpods.io/web-1 new\n--- /dev/null\n+++ cloudpod.cloudpods.io/web-1 (pod.yaml)\n")
        .contains("+spec.cores: 4\n", "+spec.powerState: Running\n", "+metadata.labels.app: api\n");
    assertThat(cli.server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void diff_serverRefusesTheManifest_exitsOneWithItsMessage() {
    cli.server.enqueue(
        CliHarness.json(
            422, Fixtures.error(422, "Invalid", "items[0].spec.cores: must be at most 64", "[]")));

    assertThat(cli.run("diff", "-f", "pod.yaml")).isEqualTo(1);

    assertThat(cli.err)
        .isEqualTo("error: pod.yaml: cloudpod/web-1 spec.cores: must be at most 64\n");
  }
}
