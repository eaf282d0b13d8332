package io.cloudpods.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.api.v1alpha1.TenantSpec;
import io.cloudpods.api.v1alpha1.TenantStatus;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.TenantRecords;
import io.cloudpods.testsupport.MutableClock;
import io.cloudpods.testsupport.RecordingEventSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TenantReconcilerTest {

  private static final ResourceKey ACME = ResourceKey.cluster("acme");
  private static final Duration RECHECK = Duration.ofSeconds(3);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
  private final Tenants tenants = new Tenants();
  private final RecordingEventSink events = new RecordingEventSink();
  private final TenantReconciler reconciler = new TenantReconciler(tenants, events, RECHECK, clock);

  @Test
  void tenantNotMarked_isLeftAlone() {
    tenants.add("acme", false);
    tenants.pod("web-0", false, null);

    assertThat(reconciler.reconcile(ACME)).isEqualTo(ReconcileResult.done());

    assertThat(tenants.pods.get("web-0").deleting).isFalse();
    assertThat(tenants.exists("acme")).isTrue();
    assertThat(events.events()).isEmpty();
  }

  @Test
  void absentTenant_isDone() {
    assertThat(reconciler.reconcile(ACME)).isEqualTo(ReconcileResult.done());
    assertThat(events.events()).isEmpty();
  }

  @Test
  void markedTenant_marksWhatItOwns_waitsNamingThePods_andRecordsDeletingWithCounts() {
    tenants.add("acme", true);
    tenants.podSet("web", false);
    tenants.pod("web-0", false, null);
    tenants.pod("db", false, "ProxmoxError");

    ReconcileResult result = reconciler.reconcile(ACME);

    assertThat(result).isEqualTo(ReconcileResult.requeueAfter(RECHECK));
    assertThat(tenants.pods.values()).allMatch(p -> p.deleting);
    assertThat(tenants.sets.values()).allMatch(p -> p);
    assertThat(events.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("Deleting");
              assertThat(e.kind()).isEqualTo("Tenant");
              assertThat(e.name()).isEqualTo("acme");
              assertThat(e.message()).contains("1 PodSet(s)").contains("2 CloudPod(s)");
            });
    Condition ready = Conditions.find(tenants.conditions, "Ready").orElseThrow();
    assertThat(ready.status()).isEqualTo("False");
    assertThat(ready.reason()).isEqualTo(TenantStatus.WAITING_FOR_PODS);
    assertThat(ready.message())
        .isEqualTo(
            "2 CloudPod(s) and 1 PodSet(s) still being deleted; pods: db (ProxmoxError), web-0");
  }

  @Test
  void secondPass_marksNothingNew_recordsNoSecondEvent_andKeepsTheCondition() {
    tenants.add("acme", true);
    tenants.pod("db", false, null);
    reconciler.reconcile(ACME);
    List<Condition> first = tenants.conditions;
    int writes = tenants.conditionWrites;
    events.clear();
    clock.advance(Duration.ofSeconds(5));

    reconciler.reconcile(ACME);

    assertThat(events.events()).isEmpty();
    assertThat(tenants.conditionWrites).isEqualTo(writes);
    assertThat(tenants.conditions).isEqualTo(first);
  }

  @Test
  void podSetsLeftWithoutPods_areWaitedFor() {
    tenants.add("acme", true);
    tenants.podSet("web", true);

    reconciler.reconcile(ACME);

    Condition ready = Conditions.find(tenants.conditions, "Ready").orElseThrow();
    assertThat(ready.reason()).isEqualTo(TenantStatus.WAITING_FOR_POD_SETS);
    assertThat(ready.message()).endsWith("; PodSets: web");
  }

  @Test
  void manyPods_nameOnlyAFew() {
    tenants.add("acme", true);
    for (int i = 0; i < 8; i++) {
      tenants.pod("p" + i, true, null);
    }

    reconciler.reconcile(ACME);

    assertThat(Conditions.find(tenants.conditions, "Ready").orElseThrow().message())
        .isEqualTo(
            "8 CloudPod(s) and 0 PodSet(s) still being deleted; pods: p0, p1, p2, p3, p4, …");
  }

  @Test
  void markedTenantThatOwnsNothing_isRemoved_withDeletedEvent() {
    tenants.add("acme", true);

    assertThat(reconciler.reconcile(ACME)).isEqualTo(ReconcileResult.done());

    assertThat(tenants.exists("acme")).isFalse();
    assertThat(events.reasons()).containsExactly("Deleted");
    assertThat(events.events().get(0))
        .extracting(Event::kind, Event::name)
        .containsExactly("Tenant", "acme");
  }

  @Test
  void lastPodGone_nextPassRemovesTheTenant() {
    tenants.add("acme", true);
    tenants.pod("db", false, null);
    reconciler.reconcile(ACME);

    tenants.pods.remove("db"); // the CloudPod reconcile destroyed its container and finalized it
    ReconcileResult result = reconciler.reconcile(ACME);

    assertThat(result).isEqualTo(ReconcileResult.done());
    assertThat(tenants.exists("acme")).isFalse();
    assertThat(events.reasons()).containsExactly("Deleting", "Deleted");
  }

  /** One tenant's rows, in memory. */
  private static final class Tenants implements TenantRecords {
    private static final class Pod {
      boolean deleting;
      final String readyReason;

      Pod(boolean deleting, String readyReason) {
        this.deleting = deleting;
        this.readyReason = readyReason;
      }
    }

    String name;
    boolean marked;
    List<Condition> conditions;
    int conditionWrites;
    final Map<String, Pod> pods = new TreeMap<>();
    final Map<String, Boolean> sets = new TreeMap<>();

    void add(String n, boolean deleting) {
      name = n;
      marked = deleting;
    }

    void pod(String n, boolean deleting, String readyReason) {
      pods.put(n, new Pod(deleting, readyReason));
    }

    void podSet(String n, boolean deleting) {
      sets.put(n, deleting);
    }

    boolean exists(String n) {
      return n.equals(name);
    }

    @Override
    public Optional<Tenant> get(String n) {
      if (!exists(n)) {
        return Optional.empty();
      }
      ObjectMeta meta =
          new ObjectMeta(
              n,
              null,
              Map.of(),
              "uid-" + n,
              1L,
              "1",
              Instant.EPOCH,
              marked ? Instant.EPOCH : null,
              null);
      return Optional.of(
          new Tenant(
              "cloudpods.io/v1alpha1",
              "Tenant",
              meta,
              new TenantSpec(null, null),
              new TenantStatus(null, null, null, 1L, conditions)));
    }

    @Override
    public Counts markContents(String tenant) {
      int s = 0;
      for (Map.Entry<String, Boolean> e : sets.entrySet()) {
        if (!e.getValue()) {
          e.setValue(true);
          s++;
        }
      }
      int p = 0;
      for (Pod pod : pods.values()) {
        if (!pod.deleting) {
          pod.deleting = true;
          p++;
        }
      }
      return new Counts(s, p);
    }

    @Override
    public Remaining remaining(String tenant, int sample) {
      List<String> podNames = new ArrayList<>();
      pods.forEach(
          (n, p) -> {
            if (podNames.size() < sample) {
              podNames.add(p.readyReason == null ? n : n + " (" + p.readyReason + ")");
            }
          });
      return new Remaining(
          new Counts(sets.size(), pods.size()),
          podNames,
          sets.keySet().stream().limit(sample).toList());
    }

    @Override
    public boolean updateConditions(String tenant, List<Condition> c) {
      conditions = c;
      conditionWrites++;
      return true;
    }

    @Override
    public boolean finalizeDeletion(String tenant) {
      if (!exists(tenant) || !marked || !pods.isEmpty() || !sets.isEmpty()) {
        return false;
      }
      name = null;
      return true;
    }

    @Override
    public List<String> deleting() {
      return marked && name != null ? List.of(name) : List.of();
    }
  }
}
