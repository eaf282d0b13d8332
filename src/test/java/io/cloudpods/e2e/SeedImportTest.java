package io.cloudpods.e2e;

import static io.cloudpods.testsupport.TestApi.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudpods.proxmox.CloneRequest;
import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.DeleteOptions;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.sim.Mutation;
import io.cloudpods.sim.ProxmoxSimulator;
import io.cloudpods.testsupport.IsolatedDatabaseResource;
import io.cloudpods.testsupport.ProxmoxSimulatorResource;
import io.cloudpods.testsupport.SimCluster;
import io.cloudpods.testsupport.SimCluster.SimGuest;
import io.cloudpods.testsupport.TestApi;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The proof of the import: the simulated cluster is left the way {@code cloudpod-create.sh} and
 * {@code cloudpod-destroy.sh} leave a real one (clones of 9000, {@code net0 ip=manual}, no tags, no
 * nameserver, pool ClientPods; the IPAM file and the JSON log they write, with a destroyed pod
 * whose address the destroy could not read, a container whose cores were changed by hand, a script
 * pod whose address an infrastructure guest has, and log lines that are not JSON). The import
 * adopts exactly the right containers; each reaches Ready with one config write (our tags) and no
 * restart; no foreign guest's config digest changes; a refused import stores nothing and a re-run
 * changes nothing.
 *
 * <p>The hand-edited container (cores 3 where the log says 2) is adopted with the container's
 * value: the pod's spec keeps what runs, the import reports the difference, and nothing is
 * rewritten.
 */
@QuarkusTest
@TestProfile(ControllerProfile.class)
@WithTestResource(IsolatedDatabaseResource.class)
@WithTestResource(ProxmoxSimulatorResource.class)
class SeedImportTest {

  private static final Duration CONVERGE = Duration.ofSeconds(180);
  private static final String NET0_SCRIPT = "name=eth0,bridge=vmbr0,ip=manual";

  @Inject ProxmoxClient proxmox;

  private final List<Integer> made = new ArrayList<>();
  private final List<String[]> pods = new ArrayList<>();
  private final List<String> tenants = new ArrayList<>();
  private String pool;

  /** One run of cloudpod-create.sh against the simulator, and the log lines it writes. */
  private String create(
      StringBuilder ipam, int vmid, String host, String ip, String tenant, int cores, int mem)
      throws Exception {
    made.add(vmid);
    if (ipam.indexOf(ip + "\n") < 0) {
      ipam.append(ip).append('\n'); // ip_mark_used
    }
    String id = "\"vmid\":" + vmid + ",\"hostname\":\"" + host + "\"";
    StringBuilder log = new StringBuilder();
    log.append(
        line(
            "CloudPod create requested",
            id + ",\"ip\":\"" + ip + "/24\",\"tenant\":\"" + tenant + "\""));
    log.append(line("Cloning template", id + ",\"storage\":\"clients-main\""));
    waitFor(
        proxmox.cloneContainer(
            "pve",
            9000,
            new CloneRequest(
                vmid,
                Optional.of(host),
                Optional.empty(),
                Optional.of("ClientPods"),
                Optional.of("clients-main"),
                Optional.of(true),
                Optional.empty(),
                Optional.empty())));
    proxmox.updateConfig(
        "pve",
        vmid,
        new ConfigUpdate(
            Map.of(
                "net0",
                NET0_SCRIPT,
                "memory",
                Integer.toString(mem),
                "swap",
                "512",
                "cores",
                Integer.toString(cores)),
            List.of(),
            Optional.empty()));
    waitFor(proxmox.start("pve", vmid));
    log.append(
        line(
            "Configuring netplan",
            "\"vmid\":" + vmid + ",\"ip\":\"" + ip + "/24\",\"gateway\":\"10.1.10.1\""));
    log.append(
        line(
            "CloudPod created successfully",
            id
                + ",\"ip\":\""
                + ip
                + "/24\",\"tenant\":\""
                + tenant
                + "\",\"cores\":"
                + cores
                + ",\"memory_mb\":"
                + mem));
    return log.toString();
  }

  /** cloudpod-destroy.sh when it cannot read the guest's address: the IPAM line stays. */
  private String destroyWithoutAddress(int vmid, String host) {
    String f = "\"vmid\":" + vmid + ",\"hostname\":\"" + host + "\",\"ip\":\"\"";
    String log = line("CloudPod destroy requested", f);
    waitFor(proxmox.delete("pve", vmid, new DeleteOptions(true, true, true)));
    return log + line("CloudPod destroyed successfully", f);
  }

  private static String line(String message, String extra) {
    return "{\"ts\":\"2025-06-01T10:00:00+00:00\",\"level\":\"info\",\"message\":\""
        + message.replace("\"", "\\\"")
        + "\","
        + extra
        + "}\n";
  }

  @Test
  void scriptsCluster_importAdoptsExactlyTheScriptsPods_readyWithOnlyTagWrites() throws Exception {
    ProxmoxSimulator sim = ProxmoxSimulatorResource.simulator();
    SimCluster cluster = new SimCluster(sim);
    String u = TestApi.unique("si");
    String t1 = u + "-t1";
    String t2 = u + "-t2";
    tenants.add(t1);
    tenants.add(t2);
    pool = u + "-pool";
    admin()
        .body(
            List.of(
                TestApi.object(
                    "IpPool",
                    Map.of("name", pool),
                    Map.of(
                        "cidr", "10.1.10.0/24",
                        "gateway", "10.1.10.1",
                        "rangeStart", "10.1.10.180",
                        "rangeEnd", "10.1.10.189"))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);

    int a = TestApi.uniqueVmid();
    int b = TestApi.uniqueVmid();
    int c = TestApi.uniqueVmid();
    int d = TestApi.uniqueVmid();
    int f = TestApi.uniqueVmid();
    int infra = 487;
    String ha = u + "-a";
    String hb = u + "-b";
    String hc = u + "-c";
    String hd = u + "-d";
    String hf = u + "-f";
    StringBuilder ipam = new StringBuilder();
    StringBuilder log = new StringBuilder();
    log.append("[+] CloudPod request:\n");
    log.append(create(ipam, a, ha, "10.1.10.181", t1, 2, 2048));
    log.append(create(ipam, b, hb, "10.1.10.182", t1, 1, 1024));
    log.append(line("Operator note: \"" + hb + "\" moved to the new rack", "\"vmid\":" + b));
    log.append(create(ipam, c, hc, "10.1.10.183", t2, 2, 2048));
    // hand edit after the script: cores 2 -> 3
    proxmox.updateConfig(
        "pve", c, new ConfigUpdate(Map.of("cores", "3"), List.of(), Optional.empty()));
    log.append(create(ipam, d, hd, "10.1.10.184", t1, 2, 2048));
    log.append(destroyWithoutAddress(d, hd));
    made.remove(Integer.valueOf(d));
    // an infrastructure guest at a pod-looking address, and a script pod logged at it
    made.add(infra);
    waitFor(
        proxmox.cloneContainer(
            "pve",
            9000,
            new CloneRequest(
                infra,
                Optional.of("cloudpod-legacy"),
                Optional.empty(),
                Optional.of("MigraTeck_Production"),
                Optional.of("clients-main"),
                Optional.of(true),
                Optional.empty(),
                Optional.empty())));
    proxmox.updateConfig(
        "pve",
        infra,
        new ConfigUpdate(
            Map.of("net0", "name=eth0,bridge=vmbr0,ip=10.1.10.186/24,gw=10.1.10.1"),
            List.of(),
            Optional.empty()));
    log.append(create(ipam, f, hf, "10.1.10.186", t2, 1, 512));
    log.append("{\"ts\":\"2025-06-01T10:00:00+00:00\",\"level\":\"info\",\"mess");

    // what the controller must never touch: every guest without our marker, as it is now
    Map<Integer, String> foreignBefore = foreignDigests(cluster);
    assertThat(foreignBefore).containsKeys(a, b, c, f, infra, 101, 102, 103, 104, 9000);
    Map<Integer, Map<String, Object>> adoptedBefore = new HashMap<>();
    for (int v : List.of(a, b, c)) {
      adoptedBefore.put(v, new LinkedHashMap<>(cluster.guest(v).orElseThrow().config()));
    }

    Map<String, Object> body = new HashMap<>();
    body.put("ipamFile", ipam.toString());
    body.put("logFile", log.toString());
    body.put("ipPool", pool);

    // dry run: the plan, nothing stored
    JsonPath dry =
        admin()
            .body(withDryRun(body, true))
            .post("/api/v1/imports/seed")
            .then()
            .log()
            .ifValidationFails()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(verdict(dry, a)).isEqualTo("ADOPT");
    assertThat(verdict(dry, b)).isEqualTo("ADOPT");
    assertThat(verdict(dry, c)).isEqualTo("ADOPT");
    assertThat(verdict(dry, d)).isEqualTo("SKIP");
    assertThat(reason(dry, d)).startsWith("destroyed (log line");
    assertThat(verdict(dry, f)).isEqualTo("CONFLICT");
    assertThat(reason(dry, f))
        .isEqualTo("address 10.1.10.186 (IPAM file line 5) is configured on guest " + infra);
    assertThat(verdict(dry, infra)).isEqualTo("SKIP");
    assertThat(reason(dry, infra)).isEqualTo("infrastructure: pool MigraTeck_Production");
    assertThat(verdict(dry, 101)).isEqualTo("SKIP");
    assertThat(verdict(dry, 9000)).isEqualTo("SKIP");
    assertThat(notes(dry, c))
        .anySatisfy(n -> assertThat(n).startsWith("hand-edited: cores 2 in the log"));
    assertThat(dry.getList("warnings", String.class))
        .anySatisfy(w -> assertThat(w).startsWith("logFile:1: not JSON"))
        .anySatisfy(w -> assertThat(w).contains("truncated JSON"));
    assertThat(dry.getList("reservations.ip", String.class))
        .containsExactlyInAnyOrder("10.1.10.184", "10.1.10.186");
    assertThat(admin().get("/api/v1/tenants/" + t1).statusCode()).isEqualTo(404);

    // a refused import stores nothing: t2 exists with no room for its pod
    admin()
        .body(List.of(TestApi.tenant(t2, Map.of("maxPods", 0), List.of(pool))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    admin()
        .body(withDryRun(body, false))
        .post("/api/v1/imports/seed")
        .then()
        .statusCode(403)
        .body("reason", org.hamcrest.Matchers.equalTo("QuotaExceeded"));
    assertThat(admin().get("/api/v1/tenants/" + t1).statusCode()).isEqualTo(404);
    assertThat(admin().get("/api/v1/tenants/" + t2 + "/cloudpods/" + hc).statusCode())
        .isEqualTo(404);
    assertThat(admin().get("/api/v1/ippools/" + pool).jsonPath().getList("spec.reserved"))
        .isNullOrEmpty();
    admin()
        .body(
            List.of(
                TestApi.tenant(
                    t2,
                    Map.of("maxPods", 5, "maxCores", 20, "maxMemoryMb", 20_000, "maxDiskGb", 100),
                    List.of(pool))))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);

    int mark = sim.mutations().size();
    JsonPath run =
        admin()
            .body(withDryRun(body, false))
            .post("/api/v1/imports/seed")
            .then()
            .log()
            .ifValidationFails()
            .statusCode(200)
            .extract()
            .jsonPath();
    pods.add(new String[] {t1, ha});
    pods.add(new String[] {t1, hb});
    pods.add(new String[] {t2, hc});
    assertThat(run.getList("tenants.name", String.class)).containsExactly(t1);
    assertThat(run.getInt("tenants[0].maxPods")).isEqualTo(2);
    assertThat(run.getInt("tenants[0].maxCores")).isEqualTo(3);
    assertThat(run.getInt("tenants[0].maxMemoryMb")).isEqualTo(2048 + 512 + 1024 + 512);
    JsonPath tenant1 = admin().get("/api/v1/tenants/" + t1).jsonPath();
    assertThat(tenant1.getString("metadata.labels.cloudpods-import")).isEqualTo("quota-derived");
    JsonPath podC = admin().get("/api/v1/tenants/" + t2 + "/cloudpods/" + hc).jsonPath();
    assertThat(podC.getBoolean("spec.adopt")).isTrue();
    assertThat(podC.getString("spec.network")).isEqualTo("Guest");
    assertThat(podC.getInt("spec.cores")).as("the container's cores, not the log's").isEqualTo(3);
    assertThat(podC.getInt("spec.vmid")).isEqualTo(c);
    assertThat(podC.getString("spec.ip")).isEqualTo("10.1.10.183");
    assertThat(admin().get("/api/v1/tenants/" + t2 + "/cloudpods/" + hf).statusCode())
        .isEqualTo(404);
    assertThat(
            admin()
                .get("/api/v1/ippools/" + pool)
                .jsonPath()
                .getList("spec.reserved", String.class))
        .containsExactlyInAnyOrder("10.1.10.184", "10.1.10.186");

    for (String[] p : pods) {
      awaitReady(p[0], p[1]);
    }
    // adopted: exactly one write each, the config carrying our tags; nothing else changed
    for (int v : List.of(a, b, c)) {
      SimGuest g = cluster.guest(v).orElseThrow();
      assertThat(g.status()).isEqualTo("running");
      assertThat(g.tags()).contains("cloudpods");
      Map<String, Object> before = new HashMap<>(adoptedBefore.get(v));
      Map<String, Object> after = new HashMap<>(g.config());
      before.keySet().removeAll(List.of("tags", "digest"));
      after.keySet().removeAll(List.of("tags", "digest"));
      assertThat(after).as("CT " + v + " config besides its tags").isEqualTo(before);
      assertThat(g.get("net0")).contains("ip=manual");
      assertThat(g.get("nameserver")).isNull();
      assertThat(mutationTypes(sim, mark, v)).as("CT " + v).containsExactly("config");
    }
    assertThat(events("Adopted"))
        .extracting(e -> ((Number) e.get("vmid")).intValue())
        .contains(a, b, c);
    // every foreign guest's config is as it was
    Map<Integer, String> foreignAfter = foreignDigests(cluster);
    for (Map.Entry<Integer, String> e : foreignBefore.entrySet()) {
      if (List.of(a, b, c).contains(e.getKey())) {
        continue;
      }
      assertThat(foreignAfter.get(e.getKey()))
          .as("digest of guest " + e.getKey())
          .isEqualTo(e.getValue());
      assertThat(mutationTypes(sim, mark, e.getKey())).as("guest " + e.getKey()).isEmpty();
    }

    // a re-run changes nothing
    JsonPath again =
        admin()
            .body(withDryRun(body, false))
            .post("/api/v1/imports/seed")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(again.getList("written.result", String.class))
        .as("nothing created or configured")
        .allSatisfy(r -> assertThat(r).isEqualTo("unchanged"));
    assertThat(again.getList("tenants")).isEmpty();
    assertThat(
            admin()
                .get("/api/v1/ippools/" + pool)
                .jsonPath()
                .getList("spec.reserved", String.class))
        .containsExactlyInAnyOrder("10.1.10.184", "10.1.10.186");
    assertThat(verdict(again, a)).isEqualTo("SKIP");
    assertThat(reason(again, a)).isEqualTo("already ours: carries the CloudPods marker");
  }

  @Test
  void badFiles_binaryLogIsRefusedNamingFileAndLine_andNothingIsStored() {
    Map<String, Object> body = new HashMap<>();
    body.put("ipamFile", "10.1.10.181\n");
    body.put("logFile", "{}\n\u0000\u0001");
    admin()
        .body(body)
        .post("/api/v1/imports/seed")
        .then()
        .statusCode(422)
        .body("message", org.hamcrest.Matchers.containsString("logFile:2: binary content"));
  }

  @Test
  void importAndOrphanRoutes_needAnAdminToken() {
    String tenant = TestApi.unique("si-ro");
    tenants.add(tenant);
    admin()
        .body(List.of(TestApi.tenant(tenant, null)))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);
    // the bootstrap admin can list orphans; the route answers a list
    admin()
        .get("/api/v1/orphans")
        .then()
        .statusCode(200)
        .body("kind", org.hamcrest.Matchers.equalTo("OrphanList"));
    admin().delete("/api/v1/orphans/999999").then().statusCode(404);
  }

  private static Map<String, Object> withDryRun(Map<String, Object> body, boolean dryRun) {
    Map<String, Object> m = new HashMap<>(body);
    m.put("dryRun", dryRun);
    return m;
  }

  private static Map<Integer, String> foreignDigests(SimCluster cluster) {
    Map<Integer, String> out = new HashMap<>();
    for (SimGuest g : cluster.guests()) {
      if (!g.managed()) {
        out.put(g.vmid(), g.get("digest"));
      }
    }
    return out;
  }

  private static List<String> mutationTypes(ProxmoxSimulator sim, int from, int vmid) {
    List<Mutation> all = sim.mutations();
    return all.subList(Math.min(from, all.size()), all.size()).stream()
        .filter(m -> m.vmid() == vmid)
        .map(Mutation::type)
        .toList();
  }

  private static String verdict(JsonPath p, int vmid) {
    return p.getString("containers.find { it.vmid == " + vmid + " }.verdict");
  }

  private static String reason(JsonPath p, int vmid) {
    return p.getString("containers.find { it.vmid == " + vmid + " }.reason");
  }

  private static List<String> notes(JsonPath p, int vmid) {
    return p.getList("containers.find { it.vmid == " + vmid + " }.notes", String.class);
  }

  private static void awaitReady(String tenant, String name) {
    await()
        .ignoreExceptions()
        .atMost(CONVERGE)
        .untilAsserted(
            () ->
                assertThat(
                        admin()
                            .get("/api/v1/tenants/" + tenant + "/cloudpods/" + name)
                            .jsonPath()
                            .getString("status.conditions.find { it.type == 'Ready' }.status"))
                    .isEqualTo("True"));
  }

  private static List<Map<String, Object>> events(String reason) {
    List<Map<String, Object>> all =
        admin()
            .get("/api/v1/events?limit=1000")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$");
    return all.stream().filter(e -> reason.equals(e.get("reason"))).toList();
  }

  private void waitFor(Upid upid) {
    await().atMost(Duration.ofSeconds(60)).until(() -> proxmox.taskStatus(upid).isStopped());
  }

  @AfterEach
  void cleanUp() {
    for (String[] p : pods) {
      admin().delete("/api/v1/tenants/" + p[0] + "/cloudpods/" + p[1] + "?skipFinalBackup=true");
    }
    for (String[] p : pods) {
      await()
          .atMost(CONVERGE)
          .until(
              () ->
                  admin().get("/api/v1/tenants/" + p[0] + "/cloudpods/" + p[1]).statusCode()
                      == 404);
    }
    SimCluster cluster = new SimCluster(ProxmoxSimulatorResource.simulator());
    for (int v : made) {
      Optional<SimGuest> g = cluster.guest(v);
      if (g.isPresent() && !g.get().managed()) {
        waitFor(proxmox.delete(g.get().node(), v, new DeleteOptions(true, true, true)));
      }
    }
    for (String t : tenants) {
      admin().delete("/api/v1/tenants/" + t);
    }
    if (pool != null) {
      await()
          .atMost(CONVERGE)
          .until(
              () ->
                  List.of(200, 404)
                      .contains(admin().delete("/api/v1/ippools/" + pool).statusCode()));
    }
    pods.clear();
    made.clear();
    tenants.clear();
  }
}
