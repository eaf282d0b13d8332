package io.cloudpods.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelpAndUsageTest {
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
  void help_listsEveryCommand() {
    assertThat(cli.run("help")).isZero();

    assertThat(cli.out)
        .contains(
            "apply -f",
            "get KIND",
            "describe KIND NAME",
            "delete KIND NAME",
            "diff -f",
            "wait KIND/NAME",
            "events [--watch]",
            "backup create POD",
            "restore BACKUP",
            "get backups|backuppolicies|restores",
            "completion bash");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "get",
        "describe",
        "apply",
        "delete",
        "diff",
        "wait",
        "events",
        "backup",
        "restore",
        "completion",
        "version"
      })
  void help_perCommand_viaFlagAndHelpCommandAgree(String command) {
    assertThat(cli.run(command, "--help")).isZero();
    String viaFlag = cli.out;
    assertThat(cli.run("help", command)).isZero();

    assertThat(viaFlag).startsWith("Usage: cloudpods " + command).isEqualTo(cli.out);
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void unknownCommand_isUsageErrorNamingIt() {
    assertThat(cli.run("scale", "podset", "x")).isEqualTo(2);

    assertThat(cli.err).isEqualTo("error: unknown command 'scale' (see 'cloudpods help')\n");
  }

  @Test
  void flagWithoutValue_isUsageError() {
    assertThat(cli.run("get", "cp", "--tenant")).isEqualTo(2);

    assertThat(cli.err).isEqualTo("error: flag '--tenant' needs a value\n");
  }

  @Test
  void completionBash_printsACompletionFunctionKnowingCommandsAndKinds() {
    assertThat(cli.run("completion", "bash")).isZero();

    assertThat(cli.out)
        .contains(
            "complete -F _cloudpods cloudpods",
            "apply get describe delete diff wait events",
            "clusters tenants ippools cloudpods podsets backuppolicies backups restores",
            "backup restore");
  }

  @Test
  void completion_otherShell_isUsageError() {
    assertThat(cli.run("completion", "fish")).isEqualTo(2);
  }

  @Test
  void version_printsTheCliVersion() {
    assertThat(cli.run("version")).isZero();

    assertThat(cli.out)
        .isEqualTo("cloudpods CLI " + CliMain.VERSION + " (API cloudpods.io/v1alpha1)\n");
  }
}
