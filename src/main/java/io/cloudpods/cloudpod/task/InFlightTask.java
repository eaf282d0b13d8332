package io.cloudpods.cloudpod.task;

import static io.cloudpods.api.v1alpha1.CloudPodConditions.POWER_STATE_SYNCED;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.cloudpod.gate.ConcurrencyGate;
import io.cloudpods.cloudpod.observe.ConvergenceCache;
import io.cloudpods.cloudpod.pass.Pass;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.events.EventSink;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.store.AllocationLedger;
import io.cloudpods.store.ResourceKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The in-flight task step: if the pod has a recorded UPID, asks Proxmox for the task's status once.
 * Running → look again later (the pass ends here, holding its gate slots). Finished → cleared; a
 * failure is recorded on the pod and thrown for backoff, except a failed graceful shutdown, which
 * turns into a hard stop on the same pass. Never waits for a task.
 */
public final class InFlightTask {

  private final ProxmoxClient client;
  private final AllocationLedger ledger;
  private final ConcurrencyGate<ResourceKey> gate;
  private final EventSink events;
  private final ConvergenceCache cache;
  private final TaskPoll poll;

  public InFlightTask(
      ProxmoxClient client,
      AllocationLedger ledger,
      ConcurrencyGate<ResourceKey> gate,
      EventSink events,
      ConvergenceCache cache,
      TaskPoll poll) {
    this.client = client;
    this.ledger = ledger;
    this.gate = gate;
    this.events = events;
    this.cache = cache;
    this.poll = poll;
  }

  /** Empty when the pass may go on; a result when it must wait for the running task. */
  public Optional<ReconcileResult> check(Pass p) {
    if (p.alloc == null || p.alloc.taskUpid() == null) {
      return Optional.empty();
    }
    Upid upid;
    try {
      upid = Upid.parse(p.alloc.taskUpid());
    } catch (IllegalArgumentException e) {
      clear(p);
      return Optional.empty();
    }
    TaskStatus task;
    try {
      task = client.taskStatus(upid);
    } catch (ProxmoxException e) {
      if (e.httpStatus() == 400) {
        // "no such task": the node forgot it (restart); observe the container instead
        clear(p);
        return Optional.empty();
      }
      throw e;
    }
    if (task.running()) {
      gate.hold(p.key, slotsFor(p, upid));
      p.status
          .task(upid.toString())
          .summary(CloudPodConditions.WAITING_FOR_TASK, upid.type() + " is running");
      return Optional.of(ReconcileResult.requeueAfter(poll.delay(p.key, upid.toString())));
    }
    gate.release(p.key);
    poll.forget(p.key);
    clear(p);
    cache.unverify(p.key);
    if (task.isOk()) {
      events.record(
          p.event("info", "TaskSucceeded", upid.type() + " finished" + warnings(task))
              .withExtra(Map.of("upid", upid.toString())));
      if ("vzshutdown".equals(upid.type())) {
        p.status.condition(POWER_STATE_SYNCED, false, CloudPodConditions.STOPPING, "shut down");
      }
      return Optional.empty();
    }
    String exit = task.exitStatus().orElse("unexpected status");
    events.record(
        p.event("warn", "TaskFailed", upid.type() + ": " + exit)
            .withExtra(Map.of("upid", upid.toString())));
    if ("vzshutdown".equals(upid.type())) {
      p.status.condition(
          POWER_STATE_SYNCED,
          false,
          CloudPodConditions.SHUTDOWN_FAILED,
          "graceful shutdown failed: " + exit);
      return Optional.empty(); // the next plan stops it hard, no backoff needed
    }
    p.status.summary(CloudPodConditions.TASK_FAILED, upid.type() + ": " + exit);
    p.taskFailed = true;
    throw task.failure().orElseThrow();
  }

  private void clear(Pass p) {
    ledger.recordTask(p.uid, null);
    p.status.task(null);
  }

  private static String warnings(TaskStatus t) {
    return t.warningCount() > 0 ? " with " + t.warningCount() + " warning(s)" : "";
  }

  /** The slots a running task holds (after a restart, the gate learns them from here). */
  private static List<String> slotsFor(Pass p, Upid upid) {
    String node = upid.node();
    if ("vzclone".equals(upid.type())) {
      return List.of(
          ConcurrencyGate.cloneSource(node, Integer.parseInt(upid.id())),
          ConcurrencyGate.storage(node, p.spec.storage()),
          ConcurrencyGate.node(node));
    }
    if ("vzrestore".equals(upid.type())) {
      return List.of(ConcurrencyGate.storage(node, p.spec.storage()), ConcurrencyGate.node(node));
    }
    return List.of(ConcurrencyGate.node(node));
  }
}
