package io.cloudpods.app;

import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.apiserver.ExampleManifests;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.tls.ServedCertificate;
import io.cloudpods.tls.ServerCertificate;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.HttpServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The running server: applies the example manifests on the first embedded start, prints where
 * things are, and shows the pods converging (one line whenever the picture changes) until they all
 * are, then serves until stopped.
 */
public class ServeApplication implements QuarkusApplication {

  private static final Logger LOG = Logger.getLogger(ServeApplication.class);

  @Inject ExampleManifests examples;
  @Inject CloudPodStore pods;
  @Inject io.cloudpods.manager.ControllerManager controller;
  @Inject ValueRegistry values;

  @Override
  public int run(String... args) throws Exception {
    var config = ConfigProvider.getConfig();
    String host = config.getOptionalValue("quarkus.http.host", String.class).orElse("localhost");
    String api;
    Optional<String> fingerprint = Optional.empty();
    if (values.containsKey(HttpServer.HTTPS_PORT)) {
      int port = values.get(HttpServer.HTTPS_PORT);
      api = url("https", host, port);
      fingerprint = servedFingerprint(host, port);
    } else {
      int port =
          values.containsKey(HttpServer.HTTP_PORT)
              ? values.get(HttpServer.HTTP_PORT)
              : config.getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
      api = url("http", host, port);
    }
    boolean embedded =
        config.getOptionalValue("cloudpods.embedded.data-dir", String.class).isPresent();
    Optional<String> clustersFile =
        config.getOptionalValue("cloudpods.embedded.clusters-file", String.class);
    if (embedded && clustersFile.isPresent()) {
      var written = examples.applyFile(Path.of(clustersFile.get()));
      System.out.println(
          "cloudpods: applied "
              + clustersFile.get()
              + " ("
              + written.size()
              + " cluster, "
              + written.get(0).result()
              + ")");
    }
    if (embedded
        && config
            .getOptionalValue("cloudpods.embedded.apply-examples", Boolean.class)
            .orElse(false)) {
      var results = examples.apply();
      Path marker =
          Path.of(config.getValue("cloudpods.embedded.data-dir", String.class))
              .resolve("examples-applied");
      Files.writeString(marker, "config/examples applied\n");
      System.out.println("cloudpods: applied config/examples (" + results.size() + " objects)");
    }
    System.out.println("cloudpods: API at " + api + "  (OpenAPI: " + api + "/q/openapi)");
    fingerprint.ifPresent(
        f -> System.out.println("           certificate SHA-256 fingerprint " + f));
    if (isWildcard(host)) {
      System.out.println("cloudpods: the API listens on every network interface (" + host + ")");
    }
    if (embedded) {
      System.out.println(
          "cloudpods: try  bin/cloudpods get cloudpods -o wide   |   bin/cloudpods events --watch");
      showConvergence();
    }
    Quarkus.waitForExit();
    return 0;
  }

  /** The address clients use: a wildcard listener is reached as localhost on this machine. */
  static String url(String scheme, String host, int port) {
    String h = isWildcard(host) ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
    return scheme + "://" + h + ":" + port;
  }

  static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  /** The fingerprint of the certificate the HTTPS listener presents, read by a handshake. */
  private static Optional<String> servedFingerprint(String host, int port) {
    try {
      return Optional.of(
          ServerCertificate.fingerprint(ServedCertificate.of(host, port, Duration.ofSeconds(10))));
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "cloudpods: could not read the certificate served on port "
              + port
              + ": "
              + e.getMessage());
      return Optional.empty();
    }
  }

  /** Prints a line whenever the set of pending pods changes, until every pod is Ready. */
  private void showConvergence() {
    Thread t =
        new Thread(
            () -> {
              String last = "";
              long deadline = System.nanoTime() + 30L * 60 * 1_000_000_000L;
              // statuses in the database may come from an earlier run against a cluster that is
              // gone (the simulator starts fresh): show progress once this process has looked
              long firstPass = System.nanoTime() + 60L * 1_000_000_000L;
              while (!controller.firstPassDone() && System.nanoTime() < firstPass) {
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  return;
                }
              }
              while (System.nanoTime() < deadline) {
                try {
                  List<CloudPod> all = pods.list(null);
                  List<String> pending = new ArrayList<>();
                  TreeMap<String, Integer> byReason = new TreeMap<>();
                  int ready = 0;
                  for (CloudPod p : all) {
                    Condition c =
                        p.status() == null || p.status().conditions() == null
                            ? null
                            : p.status().conditions().stream()
                                .filter(x -> "Ready".equals(x.type()))
                                .findFirst()
                                .orElse(null);
                    if (c != null && "True".equals(c.status())) {
                      ready++;
                    } else {
                      String reason = c == null ? "Pending" : c.reason();
                      byReason.merge(reason, 1, Integer::sum);
                      pending.add(p.metadata().tenant() + "/" + p.metadata().name());
                    }
                  }
                  String line =
                      "cloudpods: "
                          + ready
                          + "/"
                          + all.size()
                          + " pods ready"
                          + (byReason.isEmpty() ? "" : "; pending: " + byReason);
                  if (!line.equals(last)) {
                    System.out.println(line);
                    last = line;
                  }
                  if (!all.isEmpty() && pending.isEmpty()) {
                    System.out.println(
                        "cloudpods: all pods converged; drift made in the simulator is corrected on the next resync");
                    return;
                  }
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  LOG.debugf("convergence display: %s", e.getMessage());
                  try {
                    Thread.sleep(1000);
                  } catch (InterruptedException ie) {
                    return;
                  }
                }
              }
            },
            "cloudpods-convergence-display");
    t.setDaemon(true);
    t.start();
  }
}
