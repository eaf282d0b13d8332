package io.cloudpods.cloudpod.exec;

import static io.cloudpods.api.v1alpha1.CloudPodConditions.CONFIG_SYNCED;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.POWER_STATE_SYNCED;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.PROVISIONED;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.cloudpod.gate.ConcurrencyGate;
import io.cloudpods.cloudpod.gate.SlotWait;
import io.cloudpods.cloudpod.observe.ConvergenceCache;
import io.cloudpods.cloudpod.pass.Pass;
import io.cloudpods.cloudpod.plan.Action;
import io.cloudpods.cloudpod.plan.ObservedContainer;
import io.cloudpods.cloudpod.task.TaskPoll;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.RequeueException;
import io.cloudpods.events.EventSink;
import io.cloudpods.proxmox.ProxmoxAlreadyExistsException;
import io.cloudpods.proxmox.ProxmoxPowerStateException;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.store.AllocationLedger;
import io.cloudpods.store.ResourceKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The act step: runs a plan in order. Blocked actions and waits end the pass with the reason on the
 * pod; config and firewall updates are written at once (announced first); the first action that
 * starts a Proxmox task takes its gate slots, records its UPID and ends the pass. Nothing waits for
 * a task.
 */
public final class PlanRunner {

  private final ActionExecutor executor;
  private final ConcurrencyGate<ResourceKey> gate;
  private final AllocationLedger ledger;
  private final EventSink events;
  private final ConvergenceCache cache;
  private final TaskPoll poll;
  private final Duration lockedRecheck;

  public PlanRunner(
      ActionExecutor executor,
      ConcurrencyGate<ResourceKey> gate,
      AllocationLedger ledger,
      EventSink events,
      ConvergenceCache cache,
      TaskPoll poll,
      Duration lockedRecheck) {
    this.executor = executor;
    this.gate = gate;
    this.ledger = ledger;
    this.events = events;
    this.cache = cache;
    this.poll = poll;
    this.lockedRecheck = lockedRecheck;
  }

  public ReconcileResult run(Pass p, List<Action> plan, Optional<ObservedContainer> observed) {
    boolean configChanged = false;
    for (Action action : plan) {
      if (action instanceof Action.Blocked b) {
        blocked(p, b);
        if (b.reason() != Action.BlockReason.DISK_SHRINK_REFUSED
            && b.reason() != Action.BlockReason.NETWORK_SWITCH_AT_RESTART) {
          return ReconcileResult.done();
        }
        continue;
      }
      if (action instanceof Action.Wait w) {
        String reason =
            w.reason() == Action.WaitReason.LOCKED
                ? CloudPodConditions.LOCKED
                : CloudPodConditions.STATE_UNKNOWN;
        p.status.summary(reason, w.message());
        cache.unverify(p.key);
        return ReconcileResult.requeueAfter(lockedRecheck);
      }
      if (action instanceof Action.UpdateConfig u) {
        updateConfig(p, u);
        configChanged = true;
        continue;
      }
      if (Announcements.isFirewall(action)) {
        updateFirewall(p, action);
        configChanged = true;
        continue;
      }
      return startTask(p, action);
    }
    if (configChanged) {
      // config written synchronously; look again at once with a fresh read
      return ReconcileResult.requeueAfter(Duration.ZERO);
    }
    observed.ifPresent(
        o -> p.status.condition(PROVISIONED, true, CloudPodConditions.CONVERGED, ""));
    return ReconcileResult.done();
  }

  private void updateConfig(Pass p, Action.UpdateConfig u) {
    events.recordIntent(Announcements.of(p, u));
    executor.execute(u);
    cache.unverify(p.key);
    events.record(p.event("info", "ConfigUpdated", "set " + Announcements.describe(u.set())));
    if (!u.restartRequired().isEmpty() && !p.allowRestart()) {
      p.status.condition(
          CONFIG_SYNCED,
          false,
          CloudPodConditions.RESTART_REQUIRED,
          String.join(", ", u.restartRequired())
              + " take effect when the container restarts; the spec does not allow restarts");
    } else {
      p.status.condition(CONFIG_SYNCED, true, CloudPodConditions.CONVERGED, "");
    }
  }

  /** A firewall change: synchronous and live in Proxmox, announced first like a config write. */
  private void updateFirewall(Pass p, Action action) {
    events.recordIntent(Announcements.of(p, action));
    executor.execute(action);
    cache.unverify(p.key);
    events.record(p.event("info", "FirewallUpdated", Announcements.firewall(action)));
  }

  private void blocked(Pass p, Action.Blocked b) {
    switch (b.reason()) {
      case FOREIGN_CONTAINER, NOT_A_CONTAINER -> {
        p.status
            .condition(PROVISIONED, false, CloudPodConditions.VMID_CONFLICT, b.message())
            .phase(CloudPodConditions.PHASE_FAILED);
        if (!Conditions.hasReason(
            p.pod.status() == null ? null : p.pod.status().conditions(),
            PROVISIONED,
            CloudPodConditions.VMID_CONFLICT)) {
          events.record(p.event("error", CloudPodConditions.VMID_CONFLICT, b.message()));
        }
      }
      case DISK_SHRINK_REFUSED ->
          p.status.condition(
              CONFIG_SYNCED, false, CloudPodConditions.DISK_SHRINK_REFUSED, b.message());
      case ADOPTION_MISMATCH -> {
        boolean known =
            Conditions.find(
                    p.pod.status() == null ? null : p.pod.status().conditions(), PROVISIONED)
                .filter(c -> CloudPodConditions.ADOPTION_MISMATCH.equals(c.reason()))
                .filter(c -> b.message().equals(c.message()))
                .isPresent();
        p.status
            .condition(PROVISIONED, false, CloudPodConditions.ADOPTION_MISMATCH, b.message())
            .phase(CloudPodConditions.PHASE_FAILED);
        if (!known) {
          events.record(p.event("error", CloudPodConditions.ADOPTION_MISMATCH, b.message()));
        }
      }
      case NETWORK_SWITCH_AT_RESTART ->
          p.status.condition(
              CONFIG_SYNCED, false, CloudPodConditions.RESTART_REQUIRED, b.message());
    }
  }

  private ReconcileResult startTask(Pass p, Action action) {
    List<String> slots = slotsFor(p, action);
    List<String> full = gate.acquire(p.key, slots);
    if (!full.isEmpty()) {
      SlotWait wait = SlotWait.on(full);
      p.status.summary(wait.reason(), wait.message());
      // the gate wakes this pod when a slot frees; the next resync looks at it anyway. Polling
      // here would run a pass per waiting pod every few seconds (hundreds, behind one template).
      return ReconcileResult.done();
    }
    Upid upid;
    try {
      events.recordIntent(Announcements.of(p, action));
      upid = executor.execute(action).orElseThrow();
    } catch (ProxmoxAlreadyExistsException e) {
      gate.release(p.key);
      cache.unverify(p.key);
      // a clone whose response was lost: the container exists; look at it again
      throw new RequeueException(lockedRecheck, e.getMessage());
    } catch (ProxmoxPowerStateException e) {
      gate.release(p.key);
      cache.unverify(p.key);
      // the list we planned from lagged behind (already running / not running)
      throw new RequeueException(Duration.ZERO, e.getMessage());
    } catch (RuntimeException e) {
      gate.release(p.key);
      cache.unverify(p.key);
      throw e;
    }
    ledger.recordTask(p.uid, upid.toString());
    p.status.task(upid.toString());
    describeStart(p, action, upid);
    return ReconcileResult.requeueAfter(poll.delay(p.key, upid.toString()));
  }

  private static void describeStart(Pass p, Action action, Upid upid) {
    if (action instanceof Action.CloneContainer c) {
      p.status
          .condition(
              PROVISIONED,
              false,
              CloudPodConditions.CREATING,
              "cloning template " + c.sourceVmid() + " (" + upid + ")")
          .phase(CloudPodConditions.PHASE_PROVISIONING);
    } else if (action instanceof Action.RestoreContainer r) {
      p.status
          .condition(
              PROVISIONED,
              false,
              CloudPodConditions.CREATING,
              "restoring " + r.volid() + " (" + upid + ")")
          .phase(CloudPodConditions.PHASE_PROVISIONING);
    } else if (action instanceof Action.ResizeDisk r) {
      p.status.condition(
          CONFIG_SYNCED,
          false,
          CloudPodConditions.UPDATING,
          "growing rootfs to " + r.sizeGb() + " GiB");
    } else if (action instanceof Action.Start) {
      p.status.condition(POWER_STATE_SYNCED, false, CloudPodConditions.STARTING, "starting");
    } else if (action instanceof Action.Shutdown s) {
      p.status.condition(
          POWER_STATE_SYNCED,
          false,
          CloudPodConditions.STOPPING,
          "shutting down (timeout " + s.timeoutSeconds() + " s)");
    } else if (action instanceof Action.Stop) {
      p.status.condition(POWER_STATE_SYNCED, false, CloudPodConditions.STOPPING, "stopping hard");
    }
  }

  private static List<String> slotsFor(Pass p, Action action) {
    if (action instanceof Action.CloneContainer c) {
      return List.of(
          ConcurrencyGate.cloneSource(c.node(), c.sourceVmid()),
          ConcurrencyGate.storage(c.node(), p.spec.storage()),
          ConcurrencyGate.node(c.node()));
    }
    if (action instanceof Action.ResizeDisk r) {
      return List.of(
          ConcurrencyGate.storage(r.node(), p.spec.storage()), ConcurrencyGate.node(r.node()));
    }
    if (action instanceof Action.RestoreContainer r) {
      return List.of(
          ConcurrencyGate.storage(r.node(), r.storage()), ConcurrencyGate.node(r.node()));
    }
    String node =
        action instanceof Action.Start s
            ? s.node()
            : action instanceof Action.Shutdown s
                ? s.node()
                : action instanceof Action.Stop s
                    ? s.node()
                    : action instanceof Action.Destroy d ? d.node() : p.alloc.node();
    return List.of(ConcurrencyGate.node(node));
  }
}
