package io.cloudpods.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenLookupTest {
  private CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness();
    cli.env.remove("CLOUDPODS_TOKEN");
    Files.createDirectories(cli.cwd.resolve(".cloudpods"));
    Files.createDirectories(cli.home.resolve(".cloudpods"));
  }

  @AfterEach
  void tearDown() throws Exception {
    cli.close();
  }

  private String authorizationOf(String... args) throws Exception {
    cli.enqueue(Fixtures.list("Tenant"));
    assertThat(cli.run(args)).isZero();
    return cli.take().getHeader("Authorization");
  }

  @Test
  void tokenFile_flagBeatsEnvironmentAndFiles() throws Exception {
    cli.env.put("CLOUDPODS_TOKEN", "from-env");
    cli.env.put("CLOUDPODS_TOKEN_FILE", cli.write("env-file", "from-env-file\n").toString());
    Files.writeString(cli.cwd.resolve(".cloudpods/admin-token"), "from-cwd\n");
    cli.write("my-token", "  from-flag-file\n");

    assertThat(authorizationOf("get", "tenants", "--token-file", "my-token"))
        .isEqualTo("Bearer from-flag-file");
  }

  @Test
  void tokenFile_environmentBeatsTokenEnvironmentAndFiles() throws Exception {
    cli.env.put("CLOUDPODS_TOKEN", "from-env");
    cli.env.put("CLOUDPODS_TOKEN_FILE", cli.write("env-file", "from-env-file\n").toString());

    assertThat(authorizationOf("get", "tenants")).isEqualTo("Bearer from-env-file");
  }

  @Test
  void tokenFile_missing_failsNamingTheFile() {
    assertThat(cli.run("get", "tenants", "--token-file", "nope")).isEqualTo(1);

    assertThat(cli.err).startsWith("error: cannot read the token file ").contains("nope");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void tokenFlag_isRefused_becauseArgumentsAreVisibleToEveryUser() {
    assertThat(cli.run("get", "tenants", "--token", "s3cr3t-value")).isEqualTo(2);
    assertThat(cli.run("get", "tenants", "--token=s3cr3t-value")).isEqualTo(2);

    assertThat(cli.err).contains("--token is not accepted").contains("--token-file");
    assertThat(cli.err + cli.out).doesNotContain("s3cr3t-value");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void token_environmentBeatsFiles() throws Exception {
    cli.env.put("CLOUDPODS_TOKEN", "from-env");
    Files.writeString(cli.cwd.resolve(".cloudpods/admin-token"), "from-cwd\n");

    assertThat(authorizationOf("get", "tenants")).isEqualTo("Bearer from-env");
  }

  @Test
  void token_currentDirectoryFileBeatsProjectDirectoryFile() throws Exception {
    Files.writeString(cli.cwd.resolve(".cloudpods/admin-token"), "  from-cwd\n");
    Files.writeString(cli.home.resolve(".cloudpods/admin-token"), "from-home\n");

    assertThat(authorizationOf("get", "tenants")).isEqualTo("Bearer from-cwd");
  }

  @Test
  void token_projectDirectoryFileIsTheLastResort() throws Exception {
    Files.writeString(cli.home.resolve(".cloudpods/admin-token"), "from-home\n");

    assertThat(authorizationOf("get", "tenants")).isEqualTo("Bearer from-home");
  }

  @Test
  void token_noneAnywhere_sendsNoAuthorizationHeader() throws Exception {
    assertThat(authorizationOf("get", "tenants")).isNull();
  }

  @Test
  void token_refused_isNeverPrinted() {
    cli.server.enqueue(
        CliHarness.json(
            401, Fixtures.error(401, "Unauthorized", "a valid bearer token is required", "[]")));

    cli.env.put("CLOUDPODS_TOKEN", "s3cr3t-value");
    assertThat(cli.run("get", "tenants")).isEqualTo(1);

    assertThat(cli.err)
        .startsWith(
            "error: a valid bearer token is required (use --token-file, CLOUDPODS_TOKEN_FILE");
    assertThat(cli.err + cli.out).doesNotContain("s3cr3t-value");
  }
}
