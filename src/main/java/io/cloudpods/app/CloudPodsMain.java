package io.cloudpods.app;

import io.cloudpods.embedded.EmbeddedDatabase;
import io.cloudpods.embedded.PrivateFiles;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.sim.SimulatorOptions;
import io.cloudpods.tls.ServerCertificate;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code cloudpods serve [--embedded] [--port N]}: the API server and the controller.
 *
 * <p>With {@code --embedded} everything runs in this one process, with state kept under {@code
 * ./.cloudpods/}: a real PostgreSQL from embedded binaries (its data survives restarts), a
 * simulated Proxmox cluster laid out like the seed spec (timings sped up, same shape), and a
 * generated admin token that the CLI on this machine picks up. The example manifests are applied on
 * the first start. Without it, PostgreSQL and Proxmox come from the configuration ({@code
 * config/application.properties} or environment variables); the process stops at once with a clear
 * message when PostgreSQL is unreachable or misconfigured, while a Proxmox that cannot be used yet
 * is reported (log and readiness) and checked again in the background until the controller can
 * start.
 */
@QuarkusMain
public final class CloudPodsMain {

  static final String USAGE =
      """
      Usage: cloudpods serve [--embedded] [--port N] [--bind ADDR] [--tls] [--data DIR] [--sim-port N]
        --embedded     embedded PostgreSQL + simulated Proxmox cluster (state under ./.cloudpods/)
        --port N       API port (default 8080, or QUARKUS_HTTP_PORT; with --tls 8443, or
                       QUARKUS_HTTP_SSL_PORT)
        --bind ADDR    address the API listens on (default 127.0.0.1; without --embedded,
                       quarkus.http.host / QUARKUS_HTTP_HOST, shipped as 127.0.0.1)
        --tls          HTTPS only, with a self-signed certificate kept in the state directory
                       (tls-cert.pem, tls-key.pem); its SHA-256 fingerprint is printed
        --data DIR     state directory (default ./.cloudpods)
        --sim-port N   port of the embedded Proxmox simulator (default 8006, any free port if taken)
      """;

  private CloudPodsMain() {}

  /** Where the API listens in embedded mode unless {@code --bind} says otherwise. */
  static final String LOOPBACK = "127.0.0.1";

  /** Under the state directory: the certificate and key of {@code --tls}. */
  static final String TLS_CERT_FILE = "tls-cert.pem";

  static final String TLS_KEY_FILE = "tls-key.pem";

  /** Options of {@code serve}. */
  record ServeOptions(
      boolean embedded,
      Optional<Integer> port,
      Path dataDir,
      int simPort,
      Optional<String> bind,
      boolean tls) {

    /**
     * The address to bind the API to, when this process decides it: {@code --bind}, else loopback
     * in embedded mode (its state and tokens belong to this user, so the API is not offered to the
     * network by accident); empty leaves {@code quarkus.http.host} to the configuration.
     */
    Optional<String> host() {
      return bind.isPresent() ? bind : embedded ? Optional.of(LOOPBACK) : Optional.empty();
    }
  }

  public static void main(String... args) {
    List<String> rest = new ArrayList<>(List.of(args));
    if (!rest.isEmpty() && rest.get(0).equals("serve")) {
      rest.remove(0);
    }
    ServeOptions options;
    try {
      options = parse(rest);
    } catch (IllegalArgumentException e) {
      System.err.println("cloudpods serve: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.print(USAGE);
      return;
    }
    options.host().ifPresent(h -> System.setProperty("quarkus.http.host", h));
    configuredHostIgnored(options, System.getenv("QUARKUS_HTTP_HOST"))
        .ifPresent(System.out::println);
    if (options.tls()) {
      try {
        configureTls(options, System.out);
      } catch (IOException | RuntimeException e) {
        System.err.println(
            "cloudpods serve --tls: could not prepare the certificate: " + e.getMessage());
        System.exit(1);
        return;
      }
    } else {
      options.port().ifPresent(p -> System.setProperty("quarkus.http.port", Integer.toString(p)));
    }
    if (!options.embedded()) {
      Quarkus.run(ServeApplication.class, CloudPodsMain::exitOnFailure);
      return;
    }
    EmbeddedCluster cluster;
    try {
      cluster = EmbeddedCluster.start(options, System.out);
    } catch (IOException | RuntimeException e) {
      System.err.println("cloudpods serve --embedded: could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "cloudpods-embedded-shutdown"));
    Quarkus.run(ServeApplication.class, CloudPodsMain::exitOnFailure);
  }

  /**
   * A note when {@code QUARKUS_HTTP_HOST} asks for another address than embedded mode uses: the
   * embedded API answers on loopback unless {@code --bind} is given.
   */
  static Optional<String> configuredHostIgnored(ServeOptions o, String envHost) {
    if (!o.embedded() || o.bind().isPresent() || envHost == null || envHost.isBlank()) {
      return Optional.empty();
    }
    if (envHost.trim().equals(LOOPBACK)) {
      return Optional.empty();
    }
    return Optional.of(
        "cloudpods: embedded mode listens on "
            + LOOPBACK
            + " only; QUARKUS_HTTP_HOST="
            + envHost.trim()
            + " is not used (give --bind "
            + envHost.trim()
            + " to listen there)");
  }

  /**
   * {@code --tls}: HTTPS only, on {@code --port} (default 8443), with the self-signed certificate
   * of the state directory, generated on first use (key mode 0600) and kept, so that a client that
   * pinned its fingerprint keeps working after a restart.
   */
  static ServerCertificate configureTls(ServeOptions o, PrintStream out) throws IOException {
    Path dir = o.dataDir().toAbsolutePath();
    PrivateFiles.directory(dir).ifPresent(out::println);
    Path certFile = dir.resolve(TLS_CERT_FILE);
    Path keyFile = dir.resolve(TLS_KEY_FILE);
    ServerCertificate cert;
    if (Files.isRegularFile(certFile) && Files.isRegularFile(keyFile)) {
      cert =
          new ServerCertificate(
              Files.readString(certFile),
              Files.readString(keyFile),
              ServerCertificate.fingerprint(ServerCertificate.readFirst(certFile)));
    } else {
      cert = ServerCertificate.selfSigned(o.host().map(List::of).orElse(List.of()));
      PrivateFiles.writeSecret(keyFile, cert.keyPem());
      PrivateFiles.writeSecret(certFile, cert.certPem());
      out.println("cloudpods: generated a self-signed API certificate in " + certFile);
    }
    System.setProperty("quarkus.http.ssl.certificate.files", certFile.toString());
    System.setProperty("quarkus.http.ssl.certificate.key-files", keyFile.toString());
    System.setProperty("quarkus.http.insecure-requests", "disabled");
    // without --port: Quarkus's HTTPS port (8443, or QUARKUS_HTTP_SSL_PORT)
    o.port().ifPresent(p -> System.setProperty("quarkus.http.ssl-port", Integer.toString(p)));
    return cert;
  }

  private static void exitOnFailure(int code, Throwable failure) {
    if (failure != null) {
      System.err.println("cloudpods serve: could not start: " + explain(failure));
    }
    System.exit(code == 0 && failure != null ? 1 : code);
  }

  /** Quarkus's wrapper around a failed start; it names nothing, so the line starts at its cause. */
  private static final String QUARKUS_WRAPPER = "Failed to start quarkus";

  /** One line naming what failed: the chain of distinct messages, and which setting to check. */
  static String explain(Throwable failure) {
    List<String> messages = new ArrayList<>();
    boolean database = false;
    for (Throwable t = failure;
        t != null && messages.size() < 6;
        t = t.getCause() == t ? null : t.getCause()) {
      String m =
          t.getMessage() == null
              ? t.getClass().getSimpleName()
              : t.getMessage().lines().findFirst().orElse("");
      boolean wrapper = QUARKUS_WRAPPER.equals(m) && t.getCause() != null;
      if (!wrapper && !m.isBlank() && messages.stream().noneMatch(x -> x.contains(m))) {
        messages.add(m);
      }
      String name = t.getClass().getName();
      database |=
          name.contains("postgresql")
              || name.contains("java.sql")
              || name.contains("flyway")
              || name.contains("agroal");
    }
    String line = String.join(": ", messages);
    if (database) {
      String url =
          ConfigProviderAccess.value("quarkus.datasource.jdbc.url")
              .orElse("(quarkus.datasource.jdbc.url not set)");
      line =
          "PostgreSQL at "
              + url
              + " is not usable: "
              + line
              + " (check quarkus.datasource.jdbc.url, username and password, or run 'cloudpods serve --embedded')";
    }
    return line;
  }

  /** Reads configuration without failing when the configuration itself is the problem. */
  static final class ConfigProviderAccess {
    static Optional<String> value(String key) {
      String sys = System.getProperty(key);
      if (sys != null) {
        return Optional.of(sys);
      }
      try {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig()
            .getOptionalValue(key, String.class);
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  static ServeOptions parse(List<String> args) {
    boolean embedded = false;
    Optional<Integer> port = Optional.empty();
    Path data = Path.of(".cloudpods");
    int simPort = 8006;
    Optional<String> bind = Optional.empty();
    boolean tls = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--embedded" -> embedded = true;
        case "--port" -> port = Optional.of(portValue("--port", value(args, ++i, a)));
        case "--sim-port" -> simPort = portValue("--sim-port", value(args, ++i, a));
        case "--data" -> data = Path.of(value(args, ++i, a));
        case "--bind" -> bind = Optional.of(address(value(args, ++i, a)));
        case "--tls" -> tls = true;
        case "-h", "--help" -> {
          return null;
        }
        default -> {
          if (a.startsWith("--port=")) {
            port = Optional.of(portValue("--port", a.substring(7)));
          } else if (a.startsWith("--bind=")) {
            bind = Optional.of(address(a.substring(7)));
          } else {
            throw new IllegalArgumentException("unknown option '" + a + "'");
          }
        }
      }
    }
    return new ServeOptions(embedded, port, data, simPort, bind, tls);
  }

  /** A literal IPv4/IPv6 address or a host name; no name is looked up here. */
  private static String address(String v) {
    String a = v.trim();
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    if (!a.matches("[A-Za-z0-9.:%-]+") || a.startsWith("-")) {
      throw new IllegalArgumentException(
          "--bind must be an IP address or host name (e.g. 127.0.0.1, 0.0.0.0, ::1), got '"
              + v
              + "'");
    }
    return a;
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.get(i);
  }

  private static int portValue(String flag, String v) {
    try {
      int p = Integer.parseInt(v);
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a port number 0-65535, got '" + v + "'");
    }
  }

  /** The embedded PostgreSQL and simulated cluster of {@code serve --embedded}. */
  static final class EmbeddedCluster implements AutoCloseable {
    static final String SIM_TOKEN_ID = "cloudpods@pve!controller";
    static final String WEST_TOKEN_ID = "cloudpods@pve!west";
    static final String EAST_REGION = "migra-us-east-1";
    static final String WEST_REGION = "migra-us-west-1";

    private final EmbeddedDatabase database;
    private final ProxmoxSimulator simulator;
    private final ProxmoxSimulator west;

    private EmbeddedCluster(
        EmbeddedDatabase database, ProxmoxSimulator simulator, ProxmoxSimulator west) {
      this.database = database;
      this.simulator = simulator;
      this.west = west;
    }

    static EmbeddedCluster start(ServeOptions o, PrintStream out) throws IOException {
      Path dir = o.dataDir().toAbsolutePath();
      PrivateFiles.directory(dir).ifPresent(out::println);
      Path pgData = dir.resolve(EmbeddedDatabase.DATA_DIRECTORY);
      EmbeddedDatabase.stopLeftover(pgData);
      Path pgLog = dir.resolve(EmbeddedDatabase.LOG_FILE);
      out.println(
          "cloudpods: starting embedded PostgreSQL (data in " + pgData + ", log in " + pgLog + ")");
      EmbeddedDatabase db = EmbeddedDatabase.startPersistent(dir, 0);
      if (db.migrated()) {
        out.println(
            "cloudpods: the embedded PostgreSQL trusted every local connection (an earlier"
                + " release); it now requires the password in "
                + dir.resolve(EmbeddedDatabase.PASSWORD_FILE));
      }
      ProxmoxSimulator sim;
      String simSecret =
          PrivateFiles.readOrCreateSecret(
              dir.resolve("sim-token"), () -> UUID.randomUUID().toString());
      try {
        sim = startSimulator(o.simPort(), SIM_TOKEN_ID, simSecret, 3);
      } catch (RuntimeException e) {
        sim = startSimulator(0, SIM_TOKEN_ID, simSecret, 3);
      }
      // the second region: a cluster of its own, with its own token and certificate
      Path westSecretFile = dir.resolve("sim-west-token");
      String westSecret =
          PrivateFiles.readOrCreateSecret(westSecretFile, () -> UUID.randomUUID().toString());
      ProxmoxSimulator westSim;
      try {
        westSim =
            startSimulator(o.simPort() == 0 ? 0 : o.simPort() + 1, WEST_TOKEN_ID, westSecret, 1);
      } catch (RuntimeException e) {
        westSim = startSimulator(0, WEST_TOKEN_ID, westSecret, 1);
      }
      Path clustersFile = dir.resolve("clusters.yaml");
      Files.writeString(
          clustersFile, westCluster(westSim.baseUrl(), westSecretFile, westSim.fingerprint()));
      String adminToken =
          PrivateFiles.readOrCreateSecret(dir.resolve("admin-token"), CloudPodsMain::newToken);
      boolean firstStart = !Files.exists(dir.resolve("examples-applied"));

      System.setProperty("quarkus.datasource.jdbc.url", db.jdbcUrl());
      System.setProperty("quarkus.datasource.username", db.username());
      System.setProperty("quarkus.datasource.password", db.password());
      System.setProperty("cloudpods.proxmox.url", sim.baseUrl());
      System.setProperty("cloudpods.proxmox.token-id", SIM_TOKEN_ID);
      System.setProperty("cloudpods.proxmox.token-secret", simSecret);
      System.setProperty("cloudpods.proxmox.fingerprint", sim.fingerprint());
      // the simulated addresses are data, never targets: no ping probes
      System.setProperty("cloudpods.reconcile.address-probe", "false");
      System.setProperty("cloudpods.auth.bootstrap-token", adminToken);
      System.setProperty("cloudpods.events.log-file", dir.resolve("events.log").toString());
      System.setProperty("cloudpods.embedded.data-dir", dir.toString());
      System.setProperty("cloudpods.embedded.apply-examples", Boolean.toString(firstStart));
      System.setProperty("cloudpods.embedded.clusters-file", clustersFile.toString());
      System.setProperty("cloudpods.region", EAST_REGION);
      if (System.getProperties().stringPropertyNames().stream()
          .noneMatch(k -> k.startsWith("cloudpods.zones."))) {
        // one zone per node of the east cluster, named as the west cluster's zone is
        String[] nodes = {"pve", "pve-02", "pve-03"};
        for (int i = 0; i < nodes.length; i++) {
          System.setProperty("cloudpods.zones." + EAST_REGION + (char) ('a' + i), nodes[i]);
        }
      }

      Files.writeString(dir.resolve("sim-url"), sim.baseUrl() + "\n");
      out.println("cloudpods: simulated Proxmox VE cluster (seed layout) at " + sim.baseUrl());
      out.println("           certificate SHA-256 fingerprint " + sim.fingerprint());
      out.println("           API token " + SIM_TOKEN_ID + "=" + simSecret);
      out.println(
          "           try: curl -sk -H 'Authorization: PVEAPIToken="
              + SIM_TOKEN_ID
              + "="
              + simSecret
              + "' "
              + sim.baseUrl()
              + "/cluster/resources");
      Files.writeString(dir.resolve("sim-west-url"), westSim.baseUrl() + "\n");
      out.println(
          "cloudpods: region "
              + EAST_REGION
              + " is that cluster (nodes pve, pve-02, pve-03); region "
              + WEST_REGION
              + " is a second simulated cluster (node pve) at "
              + westSim.baseUrl());
      out.println(
          "           certificate SHA-256 fingerprint "
              + westSim.fingerprint()
              + ", API token "
              + WEST_TOKEN_ID
              + " (secret in "
              + westSecretFile
              + ")");
      out.println(
          "cloudpods: admin token in "
              + dir.resolve("admin-token")
              + " (the CLI on this machine reads it)");
      return new EmbeddedCluster(db, sim, westSim);
    }

    private static ProxmoxSimulator startSimulator(
        int port, String tokenId, String secret, int nodes) {
      return ProxmoxSimulator.start(
          SimulatorOptions.builder()
              .bindHost("127.0.0.1")
              .port(port)
              .token(tokenId, secret)
              .nodes(nodes)
              .timeScale(0.1)
              .resourcesLag(Duration.ofSeconds(10))
              .build());
    }

    /**
     * The second region's cluster as a manifest, written at every start (the simulator's address
     * and certificate are new each time) and applied before anything else.
     */
    static String westCluster(String url, Path secretFile, String fingerprint) {
      return "# Written by 'serve --embedded' at every start: the simulated cluster of region "
          + WEST_REGION
          + ".\n"
          + "apiVersion: cloudpods.io/v1alpha1\n"
          + "kind: ProxmoxCluster\n"
          + "metadata:\n"
          + "  name: west\n"
          + "spec:\n"
          + "  region: "
          + WEST_REGION
          + "\n"
          + "  zones:\n"
          + "    - name: "
          + WEST_REGION
          + "a\n"
          + "      nodes: [pve]\n"
          + "  url: "
          + url
          + "\n"
          + "  tokenId: \""
          + WEST_TOKEN_ID
          + "\"\n"
          + "  tokenSecretFile: "
          + secretFile.toAbsolutePath()
          + "\n"
          + "  fingerprint: \""
          + fingerprint
          + "\"\n";
    }

    @Override
    public void close() {
      try {
        simulator.close();
      } catch (RuntimeException ignored) {
        // stopping anyway
      }
      try {
        west.close();
      } catch (RuntimeException ignored) {
        // stopping anyway
      }
      try {
        database.close();
      } catch (IOException | RuntimeException ignored) {
        // the next start stops a leftover server itself
      }
    }
  }

  private static String newToken() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return "cp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
