package io.cloudpods.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code cloudpods token create|list|revoke} against a loopback fake of the API. */
class TokenCommandTest {
  private CliHarness cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    cli.close();
  }

  private static final String CREATED =
      """
      {"name":"ci","role":"tenant","tenant":"acme","createdAt":"2026-01-01T00:00:00Z",
       "expiresAt":"2026-02-01T00:00:00Z","lastUsedAt":null,"createdBy":"bootstrap-admin",
       "token":"cp_the-secret"}""";

  @Test
  void create_postsTheFieldsAndPrintsTheSecretOnce() throws Exception {
    cli.server.enqueue(CliHarness.json(201, CREATED));

    assertThat(
            cli.run(
                "token",
                "create",
                "ci",
                "--role",
                "tenant",
                "--tenant",
                "acme",
                "--expires-at",
                "2026-02-01T00:00:00Z"))
        .isZero();

    RecordedRequest r = cli.take();
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getPath()).isEqualTo("/api/v1/tokens");
    JsonNode body = Json.readJson(r.getBody().readUtf8());
    assertThat(body.path("name").asText()).isEqualTo("ci");
    assertThat(body.path("role").asText()).isEqualTo("tenant");
    assertThat(body.path("tenant").asText()).isEqualTo("acme");
    assertThat(body.path("expiresAt").asText()).isEqualTo("2026-02-01T00:00:00Z");
    assertThat(cli.out)
        .isEqualTo(
            "token/ci created (role tenant, tenant acme, expires 2026-02-01T00:00:00Z)\n"
                + "cp_the-secret\n");
    assertThat(cli.err).contains("shown only this once");
  }

  @Test
  void create_expiresIn_isSentAsATimeFromNow() throws Exception {
    cli.server.enqueue(CliHarness.json(201, CREATED));
    Instant before = Instant.now();

    assertThat(cli.run("token", "create", "ci", "--role", "admin", "--expires-in", "30d")).isZero();

    Instant sent =
        Instant.parse(Json.readJson(cli.take().getBody().readUtf8()).path("expiresAt").asText());
    assertThat(sent)
        .isBetween(before.plus(Duration.ofDays(30)), Instant.now().plus(Duration.ofDays(30)));
  }

  @Test
  void create_json_printsTheServersAnswer() throws Exception {
    cli.server.enqueue(CliHarness.json(201, CREATED));

    assertThat(
            cli.run("token", "create", "ci", "--role", "tenant", "--tenant", "acme", "-o", "json"))
        .isZero();

    assertThat(Json.readJson(cli.out).path("token").asText()).isEqualTo("cp_the-secret");
  }

  @Test
  void create_withoutRole_isAUsageErrorAndSendsNothing() {
    assertThat(cli.run("token", "create", "ci")).isEqualTo(2);
    assertThat(cli.err).contains("--role is required");
    assertThat(cli.server.getRequestCount()).isZero();
  }

  @Test
  void create_badExpiresIn_isAUsageError() {
    assertThat(cli.run("token", "create", "ci", "--role", "admin", "--expires-in", "soon"))
        .isEqualTo(2);
    assertThat(cli.err).contains("invalid --expires-in 'soon'");
  }

  @Test
  void create_refusedByTheServer_showsTheFieldAndFails() {
    cli.server.enqueue(
        CliHarness.json(
            422,
            Fixtures.error(
                422,
                "Invalid",
                "role: must be admin, tenant or readonly (read-only), not 'boss'",
                "[{\"field\":\"role\",\"message\":\"must be admin, tenant or readonly\"}]")));

    assertThat(cli.run("token", "create", "ci", "--role", "boss")).isEqualTo(1);
    assertThat(cli.err).startsWith("error: role: must be admin");
  }

  @Test
  void list_showsATableWithLastUseAndNoSecret() {
    Instant now = Instant.now();
    cli.enqueue(
        """
        {"kind":"TokenList","items":[
         {"name":"bootstrap-admin","role":"admin","tenant":null,"createdAt":"%s","expiresAt":null,
          "lastUsedAt":"%s","createdBy":"bootstrap"},
         {"name":"ci","role":"tenant","tenant":"acme","createdAt":"%s","expiresAt":"%s",
          "lastUsedAt":null,"createdBy":"bootstrap-admin"}]}"""
            .formatted(
                now.minus(Duration.ofDays(2)),
                now.minus(Duration.ofMinutes(3)),
                now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(10))));

    assertThat(cli.run("token", "list")).isZero();

    String[] lines = cli.out.split("\n");
    assertThat(lines[0]).startsWith("NAME").contains("ROLE", "TENANT", "EXPIRES", "LAST USED");
    assertThat(lines[1]).startsWith("bootstrap-admin").contains("admin", "never", "3m ago");
    assertThat(lines[2]).startsWith("ci").contains("acme", "in 9d", "never", "bootstrap-admin");
  }

  @Test
  void revoke_deletesEachNamedToken() throws Exception {
    cli.enqueue("{}");
    cli.enqueue("{}");

    assertThat(cli.run("token", "revoke", "a", "b")).isZero();

    RecordedRequest first = cli.take();
    assertThat(first.getMethod()).isEqualTo("DELETE");
    assertThat(first.getPath()).isEqualTo("/api/v1/tokens/a");
    assertThat(cli.take().getPath()).isEqualTo("/api/v1/tokens/b");
    assertThat(cli.out).isEqualTo("token/a revoked\ntoken/b revoked\n");
  }

  @Test
  void revoke_unknown_failsWithTheServersReason() {
    cli.server.enqueue(
        CliHarness.json(404, Fixtures.error(404, "NotFound", "token x not found", "[]")));

    assertThat(cli.run("token", "revoke", "x")).isEqualTo(1);
    assertThat(cli.err).isEqualTo("error: token x not found\n");
  }
}
