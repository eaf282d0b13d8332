package io.cloudpods.proxmox.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudpods.proxmox.CloneRequest;
import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.DeleteOptions;
import io.cloudpods.proxmox.ProxmoxAuthException;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxLockedException;
import io.cloudpods.proxmox.ProxmoxNotFoundException;
import io.cloudpods.proxmox.ProxmoxParameterException;
import io.cloudpods.proxmox.ProxmoxPowerStateException;
import io.cloudpods.proxmox.ProxmoxUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failures as they arrive over a real HTTP connection, from old and new servers and from the
 * network.
 */
class HttpProxmoxClientErrorTest {

  private MockProxmox pve;
  private HttpProxmoxClient client;

  @BeforeEach
  void setUp() throws Exception {
    pve = new MockProxmox();
    client = pve.client();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    pve.close();
  }

  @Test
  void clone_oldServerLockedInReasonPhrase_lockedWithLockName() {
    pve.oldError(500, "CT is locked (disk)");

    ProxmoxLockedException e =
        catchThrowableOfType(
            () -> client.cloneContainer("pve", 9000, CloneRequest.builder(9102).build()),
            ProxmoxLockedException.class);

    assertThat(e.lock()).isEqualTo("disk");
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.httpStatus()).isEqualTo(500);
    assertThat(e.method()).isEqualTo("POST");
    assertThat(e.path()).isEqualTo("/nodes/pve/lxc/9000/clone");
  }

  @Test
  void getConfig_newServerMissingCt_notFoundWithMessageFromBody() {
    pve.newError(
        500,
        "Configuration file 'nodes/pve/lxc/9101.conf' does not exist",
        "Configuration file 'nodes/pve/lxc/9101.conf' does not exist");

    ProxmoxNotFoundException e =
        catchThrowableOfType(() -> client.getConfig("pve", 9101), ProxmoxNotFoundException.class);

    assertThat(e.proxmoxMessage())
        .isEqualTo("Configuration file 'nodes/pve/lxc/9101.conf' does not exist");
    assertThat(e.getMessage())
        .isEqualTo(
            "GET /nodes/pve/lxc/9101/config failed: HTTP 500 Configuration file 'nodes/pve/lxc/9101.conf' does not exist");
  }

  @Test
  void delete_runningContainer_powerStateRunning() {
    pve.oldError(500, "unable to destroy CT 9101 - container is running");

    ProxmoxPowerStateException e =
        catchThrowableOfType(
            () -> client.delete("pve", 9101, DeleteOptions.DEFAULT),
            ProxmoxPowerStateException.class);

    assertThat(e.actualState()).isEqualTo(io.cloudpods.proxmox.PowerState.RUNNING);
  }

  @Test
  void updateConfig_newServerParameterError_exposesErrorsMap() {
    pve.raw(
        MockProxmox.json(
            400,
            "Parameter verification failed.",
            "{\"errors\":{\"name\":\"property is not defined in schema and the schema does not allow additional properties\"},"
                + "\"data\":null,\"message\":\"Parameter verification failed.\\n\"}"));

    ProxmoxParameterException e =
        catchThrowableOfType(
            () -> client.updateConfig("pve", 9101, ConfigUpdate.set(Map.of("name", "x"))),
            ProxmoxParameterException.class);

    assertThat(e.errors()).containsOnlyKeys("name");
    assertThat(e.isRetryable()).isFalse();
  }

  @Test
  void anyCall_401WithoutBody_authErrorWithoutSecret() {
    pve.raw(
        new MockResponse().setStatus("HTTP/1.1 401 no such token 'controller' for user 'ctl@pve'"));

    ProxmoxAuthException e = catchThrowableOfType(() -> client.nodes(), ProxmoxAuthException.class);

    assertThat(e.proxmoxMessage()).isEqualTo("no such token 'controller' for user 'ctl@pve'");
    assertThat(stackText(e)).doesNotContain(MockProxmox.SECRET);
  }

  @Test
  void anyCall_401GenericNewText_authError() {
    pve.raw(new MockResponse().setStatus("HTTP/1.1 401 Authentication failed!"));

    assertThat(catchThrowableOfType(() -> client.nodes(), ProxmoxAuthException.class).isRetryable())
        .isFalse();
  }

  @Test
  void anyCall_proxyPseudoStatus595_transient() {
    pve.oldError(
        595, "Errors during connection establishment, proxy handshake: Connection refused");

    ProxmoxUnavailableException e =
        catchThrowableOfType(() -> client.status("pve", 9101), ProxmoxUnavailableException.class);

    assertThat(e.httpStatus()).isEqualTo(595);
    assertThat(e.isRetryable()).isTrue();
  }

  @Test
  void anyCall_serverNeverAnswers_readTimeoutIsTransient() {
    client.close();
    client =
        new HttpProxmoxClient(
            ProxmoxClientSettings.of(pve.httpUrl(), MockProxmox.TOKEN_ID, MockProxmox.SECRET)
                .withTimeouts(
                    Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(5)));
    pve.raw(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));

    long started = System.nanoTime();
    ProxmoxUnavailableException e =
        catchThrowableOfType(() -> client.version(), ProxmoxUnavailableException.class);

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.getMessage()).containsIgnoringCase("timeout");
  }

  @Test
  void anyCall_callTimeoutShorterThanSlowBody_transient() {
    client.close();
    client =
        new HttpProxmoxClient(
            ProxmoxClientSettings.of(pve.httpUrl(), MockProxmox.TOKEN_ID, MockProxmox.SECRET)
                .withTimeouts(
                    Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(400)));
    pve.raw(
        MockProxmox.json(200, "OK", "{\"data\":[]}")
            .setHeadersDelay(1, java.util.concurrent.TimeUnit.SECONDS));

    assertThat(catchThrowableOfType(() -> client.nodes(), ProxmoxUnavailableException.class))
        .isNotNull();
  }

  @Test
  void anyCall_connectionRefused_transient() throws IOException {
    MockWebServer closed = new MockWebServer();
    closed.start(InetAddress.getByName("127.0.0.1"), 0);
    int port = closed.getPort();
    closed.shutdown();
    try (HttpProxmoxClient c =
        new HttpProxmoxClient(
            ProxmoxClientSettings.of(
                "http://127.0.0.1:" + port, MockProxmox.TOKEN_ID, MockProxmox.SECRET))) {

      ProxmoxUnavailableException e =
          catchThrowableOfType(c::version, ProxmoxUnavailableException.class);

      assertThat(e.httpStatus()).isZero();
      assertThat(e.getMessage()).startsWith("GET /version failed:");
    }
  }

  @Test
  void post_pooledConnectionDroppedAfterRequest_transientAndNotResent() {
    pve.data("{\"version\":\"8.2.4\",\"release\":\"8.2\",\"repoid\":\"faa83925c9641325\"}");
    pve.raw(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
    pve.data("\"UPID:pve:0001E240:016E6414:63AD7D74:vzclone:9000:ctl@pve!controller:\"");
    client.version(); // leaves a pooled keep-alive connection that the clone then reuses

    ProxmoxException e =
        catchThrowableOfType(
            () -> client.cloneContainer("pve", 9000, CloneRequest.builder(9101).build()),
            ProxmoxException.class);

    assertThat(e).isInstanceOf(ProxmoxUnavailableException.class);
    assertThat(pve.server.getRequestCount())
        .as("a clone must not be sent twice by the client")
        .isEqualTo(2);
  }

  @Test
  void anyCall_unexpectedEofMidBody_transient() {
    pve.raw(
        MockProxmox.json(200, "OK", "{\"data\":[{\"node\":\"pve\"}]}")
            .setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY));

    assertThat(catchThrowableOfType(() -> client.nodes(), ProxmoxUnavailableException.class))
        .isNotNull();
  }

  @Test
  void secret_neverInLogsOrExceptions_acrossSuccessErrorsAndIoFailures() {
    try (LogCapture logs = new LogCapture()) {
      pve.data("{\"version\":\"8.2.4\",\"release\":\"8.2\",\"repoid\":\"faa83925c9641325\"}");
      pve.oldError(500, "CT is locked (disk)");
      pve.raw(new MockResponse().setStatus("HTTP/1.1 401 invalid token value!"));
      pve.raw(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));

      client.version();
      StringBuilder all = new StringBuilder(client.toString()).append(client.settings());
      for (Runnable call :
          new Runnable[] {
            () -> client.start("pve", 9101),
            () -> client.nodes(),
            () -> client.listContainers("pve")
          }) {
        try {
          call.run();
        } catch (ProxmoxException e) {
          all.append(stackText(e));
        }
      }

      assertThat(logs.records).isNotEmpty();
      assertThat(logs.allText()).doesNotContain(MockProxmox.SECRET).contains("GET /version");
      assertThat(all.toString())
          .doesNotContain(MockProxmox.SECRET)
          .contains("CT is locked (disk)", "invalid token value!");
    }
  }

  private static String stackText(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
