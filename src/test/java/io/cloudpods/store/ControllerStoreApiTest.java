package io.cloudpods.store;

import static io.cloudpods.testsupport.TestApi.admin;
import static io.cloudpods.testsupport.TestApi.applyAsAdmin;
import static io.cloudpods.testsupport.TestApi.pod;
import static io.cloudpods.testsupport.TestApi.tenantWithPool;
import static io.cloudpods.testsupport.TestApi.uniqueVmid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The store methods the reconciler uses: allocations, status, events and controller state. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ControllerStoreApiTest {

  @Inject CloudPodStore pods;
  @Inject AllocationStore allocations;
  @Inject EventStore events;
  @Inject ControllerStateStore controllerState;
  @Inject io.cloudpods.auth.TokenStore tokens;

  private UUID uid(String tenant, String name) {
    return pods.uid(ResourceKey.of(tenant, name)).orElseThrow();
  }

  @Test
  void allocateIp_skipsGatewayReservedAndTakenAddresses_andIsStable() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(
        pod(tp[0], "fixed", Map.of("ipPool", tp[1], "ip", "10.1.10.50")),
        pod(tp[0], "auto-1", Map.of("ipPool", tp[1])),
        pod(tp[0], "auto-2", Map.of("ipPool", tp[1])));
    String first = allocations.allocateIp(uid(tp[0], "auto-1"), tp[1]);
    String second = allocations.allocateIp(uid(tp[0], "auto-2"), tp[1]);
    assertThat(first).isEqualTo("10.1.10.51");
    assertThat(second).isEqualTo("10.1.10.52");
    assertThat(allocations.allocateIp(uid(tp[0], "auto-1"), tp[1]))
        .as("asking again returns the same")
        .isEqualTo(first);
    assertThat(allocations.allocateIp(uid(tp[0], "fixed"), tp[1])).isEqualTo("10.1.10.50");
    admin().get("/api/v1/ippools/" + tp[1]).then().body("status.allocated", equalTo(3));
  }

  @Test
  void allocateVmid_picksAFreeClientVmid_andHonoursTheSpec() {
    String[] tp = tenantWithPool(null);
    int wanted = uniqueVmid();
    applyAsAdmin(
        pod(tp[0], "fixed", Map.of("ipPool", tp[1], "vmid", wanted)),
        pod(tp[0], "auto", Map.of("ipPool", tp[1])));
    assertThat(allocations.allocateVmid(uid(tp[0], "fixed"))).isEqualTo(wanted);
    int auto = allocations.allocateVmid(uid(tp[0], "auto"));
    assertThat(auto).isGreaterThanOrEqualTo(9001).isNotEqualTo(wanted);
    assertThat(allocations.allocateVmid(uid(tp[0], "auto"))).isEqualTo(auto);
  }

  @Test
  void vmidsHeld_namesThePodsHoldingAVmid_andNothingElse() {
    String[] tp = tenantWithPool(null);
    int wanted = uniqueVmid();
    applyAsAdmin(
        pod(tp[0], "holds", Map.of("ipPool", tp[1], "vmid", wanted)),
        pod(tp[0], "none", Map.of("ipPool", tp[1])));
    UUID holds = uid(tp[0], "holds");
    UUID none = uid(tp[0], "none");
    UUID unknown = UUID.randomUUID();
    allocations.allocateVmid(holds);

    assertThat(allocations.vmidsHeld(Set.of(holds, none, unknown)))
        .containsExactly(Map.entry(holds, wanted));
    assertThat(allocations.vmidsHeld(Set.of())).isEmpty();
  }

  @Test
  void concurrentAllocations_neverHandOutTheSameVmidOrIp() throws Exception {
    String[] tp = tenantWithPool(null);
    int n = 8;
    Object[] docs = new Object[n];
    for (int i = 0; i < n; i++) {
      docs[i] = pod(tp[0], "c-" + i, Map.of("ipPool", tp[1]));
    }
    applyAsAdmin(docs);
    ExecutorService exec = Executors.newFixedThreadPool(n);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        UUID pod = uid(tp[0], "c-" + i);
        results.add(
            exec.submit(
                () ->
                    QuarkusTransaction.requiringNew()
                        .call(
                            () ->
                                allocations.allocateVmid(pod)
                                    + "/"
                                    + allocations.allocateIp(pod, tp[1]))));
      }
      Set<String> vmids = new HashSet<>();
      Set<String> ips = new HashSet<>();
      for (Future<String> f : results) {
        String[] parts = f.get().split("/");
        vmids.add(parts[0]);
        ips.add(parts[1]);
      }
      assertThat(vmids).hasSize(n);
      assertThat(ips).hasSize(n);
    } finally {
      exec.shutdownNow();
    }
  }

  @Test
  void recordNodeAndTask_thenRelease_forgetsEverything() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "a", Map.of("ipPool", tp[1])));
    UUID pod = uid(tp[0], "a");
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              allocations.allocateVmid(pod);
              allocations.allocateIp(pod, tp[1]);
              allocations.recordNode(pod, "pve");
              allocations.recordTask(pod, "UPID:pve:0000:clone");
            });
    PodAllocation a = allocations.find(pod).orElseThrow();
    assertThat(a.node()).isEqualTo("pve");
    assertThat(a.taskUpid()).isEqualTo("UPID:pve:0000:clone");
    assertThat(a.pool()).isEqualTo(tp[1]);
    allocations.recordTask(pod, null);
    assertThat(allocations.find(pod).orElseThrow().taskUpid()).isNull();
    allocations.release(pod);
    assertThat(allocations.find(pod)).isEmpty();
  }

  @Test
  void allocateIp_exhaustedPool_failsWithConflict() {
    String[] tp = tenantWithPool(null);
    String small = io.cloudpods.testsupport.TestApi.unique("p");
    applyAsAdmin(
        io.cloudpods.testsupport.TestApi.object(
            "IpPool",
            Map.of("name", small),
            Map.of(
                "cidr",
                "10.9.0.0/24",
                "gateway",
                "10.9.0.1",
                "rangeStart",
                "10.9.0.10",
                "rangeEnd",
                "10.9.0.10")),
        io.cloudpods.testsupport.TestApi.tenant(tp[0], null, List.of(tp[1], small)));
    applyAsAdmin(
        pod(tp[0], "x", Map.of("ipPool", small)), pod(tp[0], "y", Map.of("ipPool", small)));
    allocations.allocateIp(uid(tp[0], "x"), small);
    assertThatThrownBy(() -> allocations.allocateIp(uid(tp[0], "y"), small))
        .isInstanceOf(StoreConflictException.class);
  }

  @Test
  void finalizeDeletion_releasesTheAllocation() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "a", Map.of("ipPool", tp[1], "ip", "10.1.10.150")));
    UUID pod = uid(tp[0], "a");
    assertThat(allocations.find(pod)).isPresent();
    pods.markDeleted(ResourceKey.of(tp[0], "a"));
    assertThat(pods.finalizeDeletion(ResourceKey.of(tp[0], "a"))).isTrue();
    assertThat(allocations.find(pod)).isEmpty();
    // the address is free again
    applyAsAdmin(pod(tp[0], "b", Map.of("ipPool", tp[1], "ip", "10.1.10.150")));
  }

  @Test
  void listKeys_returnsEveryPodForResync() {
    String[] tp = tenantWithPool(null);
    applyAsAdmin(
        pod(tp[0], "a", Map.of("ipPool", tp[1])), pod(tp[0], "b", Map.of("ipPool", tp[1])));
    assertThat(pods.listKeys()).contains(ResourceKey.of(tp[0], "a"), ResourceKey.of(tp[0], "b"));
  }

  @Test
  void events_appendAndQuerySinceId_andServedByTheApi() {
    String[] tp = tenantWithPool(null);
    long id =
        events.append(
            new Event(
                0,
                null,
                Event.INFO,
                "Provisioned",
                "CloudPod created successfully",
                "CloudPod",
                tp[0],
                "web",
                9101,
                "web",
                "10.1.10.91",
                Map.of("node", "pve")));
    List<Event> after = events.query(id - 1, 10, tp[0]);
    assertThat(after)
        .first()
        .satisfies(
            e -> {
              assertThat(e.id()).isEqualTo(id);
              assertThat(e.vmid()).isEqualTo(9101);
              assertThat(e.extra()).containsEntry("node", "pve");
            });
    assertThat(events.query(id, 10, tp[0])).isEmpty();
    admin()
        .get("/api/v1/events?since=" + (id - 1) + "&tenant=" + tp[0])
        .then()
        .statusCode(200)
        .body("reason", hasItem("Provisioned"))
        .body("[0].hostname", equalTo("web"));
    admin()
        .get("/api/v1/events?tenant=" + tp[0] + "&kind=CloudPod&name=web")
        .then()
        .statusCode(200)
        .body("name", org.hamcrest.Matchers.everyItem(equalTo("web")))
        .body("reason", hasItem("Provisioned"));
    admin()
        .get("/api/v1/events?tenant=" + tp[0] + "&kind=CloudPod&name=other")
        .then()
        .statusCode(200)
        .body("size()", equalTo(0));
  }

  @Test
  void status_showsControllerStateOnceReported() throws Exception {
    try (var c = io.cloudpods.testsupport.TestApi.jdbc();
        var s = c.createStatement()) {
      s.execute(
          "UPDATE controller_state SET last_full_resync = NULL, proxmox_reachable = NULL, message = NULL");
    }
    admin()
        .get("/api/v1/status")
        .then()
        .body("lastFullResync", equalTo("unknown"))
        .body("proxmoxReachable", equalTo("unknown"));
    String[] tp = tenantWithPool(null);
    applyAsAdmin(pod(tp[0], "a", Map.of("ipPool", tp[1])));
    admin()
        .get("/api/v1/status?limit=10000")
        .then()
        .statusCode(200)
        .body("byTenant." + tp[0] + ".pods", equalTo(1))
        .body("byTenant." + tp[0] + ".byPhase.Pending", equalTo(1))
        .body("notConverged.find { it.tenant == '" + tp[0] + "' }.reason", equalTo("NotObserved"));
    Instant at = Instant.parse("2026-01-02T03:04:05Z");
    controllerState.recordFullResync(at);
    controllerState.recordProxmoxReachable(false, "connection refused", at);
    admin()
        .get("/api/v1/status")
        .then()
        .body("lastFullResync", equalTo("2026-01-02T03:04:05Z"))
        .body("proxmoxReachable", equalTo("false"))
        .body("controllerMessage", equalTo("connection refused"));
  }

  @Test
  void status_countsPhasesAndListsEachKindOfUnconvergedPod_butNotReadyOnes() {
    String[] tp = tenantWithPool(null);
    String t = tp[0];
    applyAsAdmin(
        pod(t, "ready", Map.of("ipPool", tp[1])),
        pod(t, "failing", Map.of("ipPool", tp[1])),
        pod(t, "silent", Map.of("ipPool", tp[1])),
        pod(t, "fresh", Map.of("ipPool", tp[1])),
        pod(t, "going", Map.of("ipPool", tp[1])));
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    pods.updateStatus(
        ResourceKey.of(t, "ready"),
        new io.cloudpods.api.v1alpha1.CloudPodStatus(
            "Running",
            9100,
            "pve",
            "10.1.10.60",
            1L,
            List.of(
                new io.cloudpods.api.v1alpha1.Condition("Ready", "True", "Converged", "", now, 1L)),
            null,
            null,
            null,
            null));
    pods.updateStatus(
        ResourceKey.of(t, "failing"),
        new io.cloudpods.api.v1alpha1.CloudPodStatus(
            "Failed",
            9101,
            "pve",
            "10.1.10.61",
            1L,
            List.of(
                new io.cloudpods.api.v1alpha1.Condition(
                    "Ready", "False", "IpConflict", "address taken", now, 1L)),
            null,
            null,
            null,
            null));
    pods.updateStatus(
        ResourceKey.of(t, "silent"),
        new io.cloudpods.api.v1alpha1.CloudPodStatus(
            "Provisioning", null, null, null, 1L, List.of(), null, null, null, null));
    pods.markDeleted(ResourceKey.of(t, "going"));

    admin()
        .get("/api/v1/status?limit=10000")
        .then()
        .statusCode(200)
        .body("byTenant." + t + ".pods", equalTo(5))
        .body("byTenant." + t + ".byPhase.Running", equalTo(1))
        .body("byTenant." + t + ".byPhase.Failed", equalTo(1))
        .body("byTenant." + t + ".byPhase.Provisioning", equalTo(1))
        .body("byTenant." + t + ".byPhase.Pending", equalTo(1))
        .body("byTenant." + t + ".byPhase.Deleting", equalTo(1))
        .body(
            "notConverged.findAll { it.tenant == '" + t + "' }.name",
            equalTo(List.of("failing", "fresh", "going", "silent")))
        .body(
            "notConverged.find { it.tenant == '" + t + "' && it.name == 'failing' }.reason",
            equalTo("IpConflict"))
        .body(
            "notConverged.find { it.tenant == '" + t + "' && it.name == 'failing' }.message",
            equalTo("address taken"))
        .body(
            "notConverged.find { it.tenant == '" + t + "' && it.name == 'fresh' }.reason",
            equalTo("NotObserved"))
        .body(
            "notConverged.find { it.tenant == '" + t + "' && it.name == 'going' }.reason",
            equalTo("Deleting"))
        .body(
            "notConverged.find { it.tenant == '" + t + "' && it.name == 'silent' }.reason",
            equalTo("NoReadyCondition"));

    // a tenant token sees its tenant only; the list is bounded, the total is not
    String token = io.cloudpods.testsupport.TestApi.tenantToken(tokens, t);
    io.restassured.RestAssured.given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/status?limit=2")
        .then()
        .statusCode(200)
        .body("totalPods", equalTo(5))
        .body("notConverged.name", equalTo(List.of("failing", "fresh")))
        .body("notConvergedTotal", equalTo(4));
    io.restassured.RestAssured.given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/status?limit=0")
        .then()
        .statusCode(200)
        .body("notConverged.size()", equalTo(0))
        .body("notConvergedTotal", equalTo(4));
    admin()
        .get("/api/v1/status?limit=-1")
        .then()
        .statusCode(400)
        .body("details[0].field", equalTo("limit"));
  }
}
