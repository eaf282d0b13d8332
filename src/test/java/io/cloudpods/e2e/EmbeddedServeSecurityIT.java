package io.cloudpods.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/cloudpods serve --embedded} as packaged, on a shared host: the API on loopback only
 * unless {@code --bind} says otherwise, the state directory and its secrets readable by this user
 * only, the embedded PostgreSQL password-only with its binaries in the state directory, and {@code
 * --tls} serving HTTPS with the certificate whose fingerprint it prints. The listening address is
 * read from {@code /proc/net/tcp}; every connection goes to loopback.
 */
@EnabledIfSystemProperty(named = "cloudpods.e2e", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedServeSecurityIT {
  private static final Path PROJECT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
  private static final Path LAUNCHER = PROJECT.resolve("bin/cloudpods");

  /** Both starts share one state directory: the second one reopens what the first created. */
  @TempDir static Path work;

  private Process server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  @Test
  @Order(1)
  void serveEmbedded_listensOnLoopbackOnly_andKeepsItsSecretsOwnerOnly() throws Exception {
    int port = freePort();
    Path log = work.resolve("serve-1.log");
    server = start(log, "--port", Integer.toString(port));
    String out = waitFor(log, Pattern.compile("cloudpods: API at (\\S+)"));

    assertThat(out).contains("cloudpods: API at http://127.0.0.1:" + port);
    if (Files.isReadable(Path.of("/proc/net/tcp"))) {
      assertThat(listeners(port)).containsExactly("127.0.0.1");
    }
    Path state = work.resolve(".cloudpods");
    assertThat(mode(state)).isEqualTo("rwx------");
    for (String secret : List.of("admin-token", "sim-token", "sim-west-token", "db-password")) {
      assertThat(mode(state.resolve(secret))).as(secret).isEqualTo("rw-------");
    }
    assertThat(Files.readString(state.resolve("pgdata/pg_hba.conf")))
        .doesNotContainPattern("(?m)^[^#]*\\btrust\\b");
    try (Stream<Path> files = Files.walk(state.resolve("pg-bin"))) {
      assertThat(files.filter(p -> p.endsWith("bin/postgres"))).hasSize(1);
    }
  }

  @Test
  @Order(2)
  void serveEmbeddedTls_servesHttpsOnTheBindAddress_withTheCertificateItsFingerprintNames()
      throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "reads listeners from /proc/net/tcp");
    int port = freePort();
    // another loopback address: proves --bind is obeyed without leaving this machine
    String bind = "127.0.0.2";
    Path log = work.resolve("serve-2.log");
    server = start(log, "--tls", "--bind", bind, "--port", Integer.toString(port));
    String out =
        waitFor(
            log, Pattern.compile("API at https://\\S+[\\s\\S]*certificate SHA-256 fingerprint"));

    Matcher m =
        Pattern.compile(
                "cloudpods: API at (https://\\S+)  \\(OpenAPI[^\\n]*\\n\\s+certificate SHA-256"
                    + " fingerprint ([0-9A-F:]{95})")
            .matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(m.group(1)).isEqualTo("https://" + bind + ":" + port);
    String printed = m.group(2);

    List<X509Certificate> seen = new ArrayList<>();
    SSLParameters noHostCheck = new SSLParameters();
    noHostCheck.setEndpointIdentificationAlgorithm(null);
    HttpResponse<String> live =
        HttpClient.newBuilder()
            .sslContext(recording(seen))
            .sslParameters(noHostCheck)
            .connectTimeout(Duration.ofSeconds(10))
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(m.group(1) + "/q/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(seen).isNotEmpty();
    assertThat(fingerprint(seen.get(0))).isEqualTo(printed);
    assertThat(listeners(port)).containsExactly(bind);
    assertThat(mode(work.resolve(".cloudpods/tls-key.pem"))).isEqualTo("rw-------");
    assertThat(out).doesNotContain("trusted every local connection");
  }

  private Process start(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString(), "serve", "--embedded"));
    cmd.addAll(List.of("--sim-port", "0"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment().remove("QUARKUS_HTTP_HOST");
    pb.environment().remove("QUARKUS_HTTP_PORT");
    pb.environment().put("CLOUDPODS_SKIP_BUILD", "1");
    return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private String waitFor(Path log, Pattern pattern) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (true) {
      String out = Files.exists(log) ? Files.readString(log) : "";
      if (pattern.matcher(out).find()) {
        return out;
      }
      if (!server.isAlive()) {
        fail("serve exited with " + server.exitValue() + ":\n" + out);
      }
      if (System.nanoTime() > deadline) {
        fail("serve did not get ready within 4 minutes:\n" + out);
      }
      Thread.sleep(500);
    }
  }

  /** Local addresses with a TCP listener on {@code port}, from /proc/net/tcp and tcp6. */
  static List<String> listeners(int port) throws IOException {
    List<String> out = new ArrayList<>();
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.isReadable(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4 || !f[3].equals("0A") || !f[1].endsWith(":" + hexPort)) {
          continue;
        }
        String addr = f[1].substring(0, f[1].indexOf(':'));
        out.add(address(addr));
      }
    }
    return out;
  }

  /**
   * /proc/net/tcp prints an address as 32-bit words in host order (little-endian here). A Java
   * listener often sits on an IPv6 socket: 127.0.0.1 then shows as ::ffff:127.0.0.1 in tcp6, which
   * {@link InetAddress#getByAddress} turns back into 127.0.0.1.
   */
  private static String address(String hex) throws IOException {
    byte[] b = new byte[hex.length() / 2];
    for (int word = 0; word < b.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int at = word * 8 + (3 - i) * 2;
        b[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    return InetAddress.getByAddress(b).getHostAddress();
  }

  private static SSLContext recording(List<X509Certificate> seen) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
              seen.add(chain[0]);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    return ctx;
  }

  /** Computed here, independently of the application's own code. */
  private static String fingerprint(X509Certificate cert) throws Exception {
    return HexFormat.ofDelimiter(":")
        .withUpperCase()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
