package io.cloudpods.tenant;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.api.v1alpha1.TenantStatus;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.Reconciler;
import io.cloudpods.events.EventSink;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.TenantRecords;
import io.cloudpods.store.TenantRecords.Counts;
import io.cloudpods.store.TenantRecords.Remaining;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Deletes a tenant marked for deletion the way Kubernetes deletes a namespace: every PodSet and
 * CloudPod of the tenant is marked for deletion (each then goes the normal way: its container is
 * destroyed by the CloudPod reconcile, its VMID and address released only once Proxmox confirms it
 * gone), and the tenant row is removed once it owns nothing. Until then the tenant's Ready
 * condition says what it waits for ({@code WaitingForPods}, naming a few with their reasons). A
 * tenant that is not marked is left alone.
 */
public final class TenantReconciler implements Reconciler<ResourceKey> {

  private static final String KIND = "Tenant";

  /** How many pods or PodSets the waiting condition names. */
  static final int SAMPLE = 5;

  private final TenantRecords tenants;
  private final EventSink events;
  private final Duration recheck;
  private final Clock clock;

  /**
   * @param recheck when to look again while pods are still being removed (their removal also wakes
   *     the tenant)
   */
  public TenantReconciler(TenantRecords tenants, EventSink events, Duration recheck, Clock clock) {
    this.tenants = tenants;
    this.events = events;
    this.recheck = recheck;
    this.clock = clock;
  }

  @Override
  public ReconcileResult reconcile(ResourceKey key) {
    String name = key.name();
    Optional<Tenant> found = tenants.get(name);
    if (found.isEmpty() || found.get().metadata().deletionTimestamp() == null) {
      return ReconcileResult.done();
    }
    Tenant tenant = found.get();
    Counts marked = tenants.markContents(name);
    if (marked.total() > 0) {
      events.record(
          Event.info(
              "Deleting",
              "tenant is being deleted: marked "
                  + marked.podSets()
                  + " PodSet(s) and "
                  + marked.pods()
                  + " CloudPod(s) for deletion",
              KIND,
              null,
              name));
    }
    Remaining left = tenants.remaining(name, SAMPLE);
    if (left.counts().total() == 0) {
      if (tenants.finalizeDeletion(name)) {
        events.record(
            Event.info("Deleted", "tenant deleted; it owned nothing any more", KIND, null, name));
      }
      return ReconcileResult.done();
    }
    writeWaiting(tenant, left);
    return ReconcileResult.requeueAfter(recheck);
  }

  private void writeWaiting(Tenant tenant, Remaining left) {
    boolean pods = left.counts().pods() > 0;
    String reason = pods ? TenantStatus.WAITING_FOR_PODS : TenantStatus.WAITING_FOR_POD_SETS;
    String message = waitingMessage(left);
    List<Condition> before = tenant.status() == null ? null : tenant.status().conditions();
    Optional<Condition> old = Conditions.find(before, CloudPodConditions.READY);
    if (old.isPresent()
        && Objects.equals(old.get().reason(), reason)
        && Objects.equals(old.get().message(), message)) {
      return;
    }
    long generation = tenant.metadata().generation() == null ? 1 : tenant.metadata().generation();
    tenants.updateConditions(
        tenant.metadata().name(),
        Conditions.set(
            before,
            CloudPodConditions.READY,
            Conditions.FALSE,
            reason,
            message,
            generation,
            clock.instant().truncatedTo(ChronoUnit.MILLIS)));
  }

  /**
   * {@code 3 CloudPod(s) and 1 PodSet(s) still being deleted; pods: web-0 (ProxmoxError), web-1,
   * …}.
   */
  static String waitingMessage(Remaining left) {
    Counts c = left.counts();
    StringBuilder b =
        new StringBuilder()
            .append(c.pods())
            .append(" CloudPod(s) and ")
            .append(c.podSets())
            .append(" PodSet(s) still being deleted");
    if (!left.samplePods().isEmpty()) {
      b.append("; pods: ").append(String.join(", ", left.samplePods()));
      if (c.pods() > left.samplePods().size()) {
        b.append(", …");
      }
    } else if (!left.samplePodSets().isEmpty()) {
      b.append("; PodSets: ").append(String.join(", ", left.samplePodSets()));
      if (c.podSets() > left.samplePodSets().size()) {
        b.append(", …");
      }
    }
    return b.toString();
  }
}
