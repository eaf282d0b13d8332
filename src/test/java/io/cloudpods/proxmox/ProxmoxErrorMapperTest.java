package io.cloudpods.proxmox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProxmoxErrorMapperTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One server message and what it must become. */
  record Row(
      int status, String message, Class<? extends ProxmoxException> type, boolean retryable) {}

  static List<Row> rows() {
    return List.of(
        row(
            500,
            "Configuration file 'nodes/pve/lxc/9101.conf' does not exist",
            ProxmoxNotFoundException.class,
            false),
        row(500, "pool 'tenant-a' does not exist", ProxmoxNotFoundException.class, false),
        row(
            403,
            "Permission check failed (pool 'foo' does not exist)",
            ProxmoxNotFoundException.class,
            false),
        row(500, "snapshot 'before' does not exist", ProxmoxNotFoundException.class, false),
        row(
            500,
            "update pools failed: VM 101 is not a pool member",
            ProxmoxNotFoundException.class,
            false),
        row(
            500,
            "CT 9101 already exists on node 'pve'",
            ProxmoxAlreadyExistsException.class,
            false),
        row(
            500,
            "VM 9101 already exists on node 'pve2'",
            ProxmoxAlreadyExistsException.class,
            false),
        row(
            500,
            "unable to create CT 9101 - CT 9101 already exists on node 'pve'",
            ProxmoxAlreadyExistsException.class,
            false),
        row(
            500,
            "create pool failed: pool 'ClientPods' already exists",
            ProxmoxAlreadyExistsException.class,
            false),
        row(
            500,
            "update pools failed: VM 101 is already a pool member",
            ProxmoxAlreadyExistsException.class,
            false),
        row(
            500,
            "update pools failed: VM 101 belongs already to pool 'q' and 'allow-move' is not set",
            ProxmoxConflictException.class,
            false),
        row(500, "CT is locked (disk)", ProxmoxLockedException.class, true),
        row(500, "CT is locked (snapshot-delete)", ProxmoxLockedException.class, true),
        row(
            500,
            "can't lock file '/run/lock/lxc/pve-config-9101.lock' - got timeout",
            ProxmoxLockTimeoutException.class,
            true),
        row(
            500,
            "cfs-lock 'storage-clients-main' error: got lock request timeout",
            ProxmoxLockTimeoutException.class,
            true),
        row(
            500,
            "can't lock file '/var/lock/pve-manager/pve-storage-clients-main' - got timeout",
            ProxmoxLockTimeoutException.class,
            true),
        row(
            500,
            "Failed to obtain guest migration lock - replication running?",
            ProxmoxLockTimeoutException.class,
            true),
        row(500, "CT 9101 already running", ProxmoxPowerStateException.class, false),
        row(500, "CT 9101 not running", ProxmoxPowerStateException.class, false),
        row(500, "VM 9101 not running", ProxmoxPowerStateException.class, false),
        row(
            500,
            "unable to destroy CT 9101 - container is running",
            ProxmoxPowerStateException.class,
            false),
        row(
            500,
            "detected modified configuration - file changed by other user? Try again.",
            ProxmoxDigestConflictException.class,
            true),
        row(
            500,
            "got no worker upid - start worker failed",
            ProxmoxUnavailableException.class,
            true),
        row(
            500,
            "parameter 'storage' not allowed for linked clones",
            ProxmoxRejectedException.class,
            false),
        row(
            500,
            "Linked clone feature for 'local:9000/base-9000-disk-0.raw' is not available",
            ProxmoxRejectedException.class,
            false),
        row(
            500,
            "can't remove CT 9101 - protection mode enabled",
            ProxmoxRejectedException.class,
            false),
        row(
            500,
            "you can't convert a template to a template",
            ProxmoxRejectedException.class,
            false),
        row(500, "something nobody has seen before", ProxmoxServerException.class, true),
        row(401, "No ticket", ProxmoxAuthException.class, false),
        row(401, "Authentication failed!", ProxmoxAuthException.class, false),
        row(
            401,
            "no such token 'controller' for user 'ctl@pve'",
            ProxmoxAuthException.class,
            false),
        row(401, "permission denied - invalid PVE ticket", ProxmoxAuthException.class, false),
        row(401, "Permission denied - invalid csrf token", ProxmoxAuthException.class, false),
        row(
            403,
            "Permission check failed (/vms/100, VM.Audit)",
            ProxmoxPermissionException.class,
            false),
        row(
            403,
            "Permission check failed (/storage/local-lvm, Datastore.AllocateSpace)",
            ProxmoxPermissionException.class,
            false),
        row(
            501,
            "Method 'PUT /pools' not implemented",
            ProxmoxNotImplementedException.class,
            false),
        row(
            501,
            "Unexpected content for method 'DELETE'",
            ProxmoxNotImplementedException.class,
            false),
        row(502, "Bad Gateway", ProxmoxUnavailableException.class, true),
        row(503, "Service Unavailable", ProxmoxUnavailableException.class, true),
        row(
            595,
            "Errors during connection establishment, proxy handshake: Connection refused",
            ProxmoxUnavailableException.class,
            true),
        row(596, "Connection timed out", ProxmoxUnavailableException.class, true),
        row(599, "Too many redirections", ProxmoxUnavailableException.class, true));
  }

  private static Row row(int s, String m, Class<? extends ProxmoxException> t, boolean r) {
    return new Row(s, m, t, r);
  }

  /** Old servers: message only in the reason phrase, body {@code {"data":null}} (401: no body). */
  static Stream<Arguments> oldStyle() {
    return rows().stream().map(r -> Arguments.of(r, r.status() == 401 ? "" : "{\"data\":null}"));
  }

  /**
   * New servers (http-server 5.2+): same reason phrase plus {@code message} with trailing newline.
   */
  static Stream<Arguments> newStyle() {
    return rows().stream()
        .map(
            r -> {
              ObjectNode body = JSON.createObjectNode();
              body.putNull("data");
              body.put("message", r.message() + "\n");
              return Arguments.of(r, body.toString());
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oldStyle")
  void fromHttp_oldServerReasonPhraseOnly_classifies(Row row, String body) {
    assertClassified(
        row,
        ProxmoxErrorMapper.fromHttp("POST", "/nodes/pve/lxc", row.status(), row.message(), body));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("newStyle")
  void fromHttp_newServerMessageField_classifies(Row row, String body) {
    assertClassified(
        row,
        ProxmoxErrorMapper.fromHttp("POST", "/nodes/pve/lxc", row.status(), row.message(), body));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("newStyle")
  void fromHttp_messageFieldWithoutReasonPhrase_classifies(Row row, String body) {
    assertClassified(
        row, ProxmoxErrorMapper.fromHttp("POST", "/nodes/pve/lxc", row.status(), "", body));
  }

  private static void assertClassified(Row row, ProxmoxException e) {
    assertThat(e).isExactlyInstanceOf(row.type());
    assertThat(e.isRetryable()).as("retryable").isEqualTo(row.retryable());
    assertThat(e.httpStatus()).isEqualTo(row.status());
    assertThat(e.proxmoxMessage()).isEqualTo(row.message());
    assertThat(e.method()).isEqualTo("POST");
    assertThat(e.path()).isEqualTo("/nodes/pve/lxc");
    assertThat(e.getMessage())
        .contains("POST /nodes/pve/lxc", Integer.toString(row.status()), row.message());
  }

  @Test
  void fromHttp_locked_exposesLockName() {
    ProxmoxException e =
        ProxmoxErrorMapper.fromHttp("POST", "/x", 500, "CT is locked (backup)", "{\"data\":null}");

    assertThat(e)
        .isInstanceOfSatisfying(
            ProxmoxLockedException.class, l -> assertThat(l.lock()).isEqualTo("backup"));
  }

  @Test
  void fromHttp_lockTimeouts_exposeLockedResource() {
    ProxmoxException config =
        ProxmoxErrorMapper.fromHttp(
            "PUT",
            "/x",
            500,
            "can't lock file '/run/lock/lxc/pve-config-9101.lock' - got timeout",
            "");
    ProxmoxException storage =
        ProxmoxErrorMapper.fromHttp(
            "POST",
            "/x",
            500,
            "cfs-lock 'storage-clients-main' error: got lock request timeout",
            "");

    assertThat(((ProxmoxLockTimeoutException) config).resource())
        .isEqualTo("/run/lock/lxc/pve-config-9101.lock");
    assertThat(((ProxmoxLockTimeoutException) storage).resource())
        .isEqualTo("storage-clients-main");
  }

  @Test
  void fromHttp_powerState_saysWhichState() {
    var running =
        (ProxmoxPowerStateException)
            ProxmoxErrorMapper.fromHttp("POST", "/x", 500, "CT 9101 already running", "");
    var stopped =
        (ProxmoxPowerStateException)
            ProxmoxErrorMapper.fromHttp("POST", "/x", 500, "CT 9101 not running", "");
    var destroy =
        (ProxmoxPowerStateException)
            ProxmoxErrorMapper.fromHttp(
                "DELETE", "/x", 500, "unable to destroy CT 9101 - container is running", "");

    assertThat(running.actualState()).isEqualTo(PowerState.RUNNING);
    assertThat(stopped.actualState()).isEqualTo(PowerState.STOPPED);
    assertThat(destroy.actualState()).isEqualTo(PowerState.RUNNING);
  }

  @Test
  void fromHttp_parameterError_exposesPerFieldErrorsWithoutTrailingNewlines() {
    String body =
        "{\"errors\":{\"name\":\"property is not defined in schema and the schema does not allow additional properties\","
            + "\"net0\":\"invalid format - format error\\nnet0.ip: value does not look like a valid ipv4 network configuration\\n\"},"
            + "\"data\":null,\"message\":\"Parameter verification failed.\\n\"}";

    ProxmoxException e =
        ProxmoxErrorMapper.fromHttp(
            "POST", "/nodes/pve/lxc/9000/clone", 400, "Parameter verification failed.", body);

    assertThat(e).isInstanceOf(ProxmoxParameterException.class);
    assertThat(e.isRetryable()).isFalse();
    Map<String, String> errors = ((ProxmoxParameterException) e).errors();
    assertThat(errors)
        .containsEntry(
            "name",
            "property is not defined in schema and the schema does not allow additional properties");
    assertThat(errors.get("net0")).endsWith("valid ipv4 network configuration");
    assertThat(e.getMessage())
        .contains("Parameter verification failed.", "name: property is not defined");
  }

  @Test
  void fromHttp_oldServerParameterErrorWithoutMessageField_stillHasErrors() {
    ProxmoxException e =
        ProxmoxErrorMapper.fromHttp(
            "GET",
            "/cluster/resources",
            400,
            "Parameter verification failed.",
            "{\"errors\":{\"type\":\"value 'pool' does not have a value in the enumeration 'vm, storage, node, sdn'\"},\"data\":null}");

    assertThat(((ProxmoxParameterException) e).errors()).containsKey("type");
  }

  @Test
  void fromHttp_nextidTaken_isAlreadyExists() {
    ProxmoxException e =
        ProxmoxErrorMapper.fromHttp(
            "GET",
            "/cluster/nextid",
            400,
            "Parameter verification failed.",
            "{\"errors\":{\"vmid\":\"VM 200 already exists\"},\"data\":null}");

    assertThat(e).isInstanceOf(ProxmoxAlreadyExistsException.class);
  }

  @Test
  void fromHttp_unknownTask_isNotFound() {
    ProxmoxException e =
        ProxmoxErrorMapper.fromHttp(
            "GET",
            "/nodes/pve/tasks/x/status",
            400,
            "Parameter verification failed.",
            "{\"errors\":{\"upid\":\"no such task\"},\"data\":null}");

    assertThat(e).isInstanceOf(ProxmoxNotFoundException.class);
  }

  @Test
  void fromHttp_multiLineMessage_prefersFullBodyMessageOverFirstLineReason() {
    String full =
        "unable to create CT 9101 - command 'lxc-usernsexec' failed: exit code 2\nsecond line of detail";

    ProxmoxException e =
        ProxmoxErrorMapper.fromHttp(
            "POST",
            "/x",
            500,
            "unable to create CT 9101 - command 'lxc-usernsexec' failed: exit code 2",
            "{\"data\":null,\"message\":\"" + full.replace("\n", "\\n") + "\\n\"}");

    assertThat(e.proxmoxMessage()).isEqualTo(full);
  }

  @Test
  void fromHttp_reasonLongerThanBodyMessage_keepsReason() {
    assertThat(ProxmoxErrorMapper.chooseMessage("CT is locked (disk)", "CT is locked\n"))
        .isEqualTo("CT is locked (disk)");
    assertThat(ProxmoxErrorMapper.chooseMessage("", "CT is locked (disk)\n"))
        .isEqualTo("CT is locked (disk)");
    assertThat(ProxmoxErrorMapper.chooseMessage("CT is locked (disk)", null))
        .isEqualTo("CT is locked (disk)");
  }

  @Test
  void fromHttp_nonJsonBody_fallsBackToReasonPhrase() {
    ProxmoxException e =
        ProxmoxErrorMapper.fromHttp("GET", "/x", 502, "Bad Gateway", "<html>nginx</html>");

    assertThat(e).isInstanceOf(ProxmoxUnavailableException.class);
    assertThat(e.proxmoxMessage()).isEqualTo("Bad Gateway");
  }

  static Stream<IOException> transientIoFailures() {
    return Stream.of(
        new ConnectException("Failed to connect to /127.0.0.1:8006"),
        new SocketException("Connection reset"),
        new SocketTimeoutException("timeout"),
        new InterruptedIOException("timeout"),
        new EOFException("\\n not found: limit=0 content=…"),
        new IOException("unexpected end of stream on http://127.0.0.1:8006/..."));
  }

  @ParameterizedTest
  @MethodSource("transientIoFailures")
  void fromIo_connectionProblemsAndTimeouts_areTransient(IOException io) {
    ProxmoxException e = ProxmoxErrorMapper.fromIo("GET", "/version", io);

    assertThat(e).isInstanceOf(ProxmoxUnavailableException.class);
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.httpStatus()).isZero();
    assertThat(e.getCause()).isSameAs(io);
    assertThat(e.getMessage()).startsWith("GET /version failed:");
  }

  @Test
  void fromIo_certificateRejected_isTlsAndNotRetryable() {
    SSLHandshakeException hs = new SSLHandshakeException("handshake failed");
    hs.initCause(
        new CertificateException("server certificate fingerprint mismatch: expected A, got B"));

    ProxmoxException e = ProxmoxErrorMapper.fromIo("GET", "/version", hs);

    assertThat(e).isInstanceOf(ProxmoxTlsException.class);
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).contains("expected A, got B");
  }

  static Stream<Arguments> taskFailures() {
    List<Arguments> a = new ArrayList<>();
    a.add(
        Arguments.of(
            "clone failed: cfs-lock 'storage-clients-main' error: got lock request timeout",
            ProxmoxLockTimeoutException.class,
            true));
    a.add(
        Arguments.of(
            "clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local' - got timeout",
            ProxmoxLockTimeoutException.class,
            true));
    a.add(Arguments.of("CT is locked (snapshot)", ProxmoxLockedException.class, true));
    a.add(
        Arguments.of(
            "can't lock file '/run/lock/lxc/pve-config-9101.lock' - got timeout",
            ProxmoxLockTimeoutException.class,
            true));
    a.add(
        Arguments.of(
            "clone failed: content type 'rootdir' is not available or configured on storage 'local'",
            ProxmoxRejectedException.class,
            false));
    a.add(
        Arguments.of(
            "you can't start a CT if it's a template", ProxmoxRejectedException.class, false));
    a.add(
        Arguments.of(
            "unable to create CT 9101 - CT 9101 already exists on node 'pve'",
            ProxmoxAlreadyExistsException.class,
            false));
    a.add(
        Arguments.of(
            "base volume 'base-9000-disk-0' is still in use by linked clones",
            ProxmoxRejectedException.class,
            false));
    a.add(
        Arguments.of(
            "got no worker upid - start worker failed", ProxmoxUnavailableException.class, true));
    a.add(Arguments.of("job errors", ProxmoxTaskFailedException.class, true));
    a.add(
        Arguments.of(
            "unable to create CT 201 - command 'lxc-usernsexec -m u:0:100000:65536 -- tar xpf - --zstd' failed: exit code 2",
            ProxmoxTaskFailedException.class,
            true));
    a.add(Arguments.of("container did not stop", ProxmoxTaskFailedException.class, true));
    return a.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("taskFailures")
  void fromTaskFailure_exitStatus_classifiedLikeHttpErrors(
      String exitStatus, Class<? extends ProxmoxException> type, boolean retryable) {
    Upid upid = Upid.parse("UPID:pve:0001E240:016E6414:63AD7D74:vzclone:9000:ctl@pve!ctl:");

    ProxmoxException e = ProxmoxErrorMapper.fromTaskFailure(upid, exitStatus);

    assertThat(e).isExactlyInstanceOf(type);
    assertThat(e.isRetryable()).isEqualTo(retryable);
    assertThat(e.method()).isEqualTo("TASK");
    assertThat(e.path()).isEqualTo(upid.toString());
    assertThat(e.httpStatus()).isZero();
    assertThat(e.getMessage()).contains(exitStatus);
  }
}
