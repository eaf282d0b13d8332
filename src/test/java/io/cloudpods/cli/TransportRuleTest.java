package io.cloudpods.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI sends a token over plain HTTP only to loopback, unless --insecure. */
class TransportRuleTest {
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
  void plainHttpToARemoteHost_withAToken_isRefusedBeforeAnyConnection() {
    // 10.1.10.9 is data here: the refusal happens before anything is sent
    assertThat(cli.run("get", "tenants", "--server", "http://10.1.10.9:8080")).isEqualTo(1);

    assertThat(cli.err)
        .isEqualTo(
            "error: refusing to send the API token over plain HTTP to 10.1.10.9 (use https://,"
                + " or --insecure to send it readable over the network)\n");
  }

  @Test
  void plainHttpToLoopback_isAllowed() {
    cli.enqueue(Fixtures.list("Tenant"));
    assertThat(cli.run("get", "tenants")).isZero(); // the harness server is http://127.0.0.1
  }

  @Test
  void insecure_orNoToken_orHttps_letsTheRequestGo() {
    // no connection is made here: the rule is decided on the URL alone
    Transport.check("http://10.1.10.9:8080", true, true);
    Transport.check("http://10.1.10.9:8080", false, false);
    Transport.check("https://10.1.10.9:8443", true, false);
  }

  @Test
  void insecure_isAcceptedByEveryCommand() {
    cli.enqueue(Fixtures.list("Tenant"));
    assertThat(cli.run("get", "tenants", "--insecure")).isZero();
  }

  @Test
  void loopbackNames() {
    assertThat(Transport.loopback("localhost")).isTrue();
    assertThat(Transport.loopback("127.0.0.1")).isTrue();
    assertThat(Transport.loopback("127.10.0.3")).isTrue();
    assertThat(Transport.loopback("[::1]")).isTrue();
    assertThat(Transport.loopback("::1")).isTrue();
    assertThat(Transport.loopback("10.1.10.9")).isFalse();
    assertThat(Transport.loopback("127.0.0.1.example.com")).isFalse();
    assertThat(Transport.loopback("api.example.com")).isFalse();
  }
}
