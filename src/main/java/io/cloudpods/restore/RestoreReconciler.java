package io.cloudpods.restore;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.CloudPod;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.api.v1alpha1.Restore;
import io.cloudpods.api.v1alpha1.RestoreStatus;
import io.cloudpods.cloudpod.backup.BackupView;
import io.cloudpods.cloudpod.backup.StoredPodBackups;
import io.cloudpods.cloudpod.exec.ActionExecutor;
import io.cloudpods.cloudpod.plan.Action;
import io.cloudpods.cloudpod.plan.Ownership;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.Reconciler;
import io.cloudpods.events.EventSink;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.LxcStatus;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxNotFoundException;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.store.BackupRecords;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.RestoreRecords;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reconciles a Restore: reads what is stored and observed, asks {@link RestorePlanner} for the one
 * next step, does it, and writes the Restore's phase, its {@code Ready} condition and an event when
 * the reason changes. A new pod is written as a CloudPod with {@code spec.restoreFrom} (the
 * backed-up pod's spec, or the Backup's {@code status.podSpec} once that pod is gone) and followed
 * to Ready; in place, the protected BeforeRestore backup comes first, then a stop and a forced
 * restore ({@code restore=1&force=1}) of the same VMID that keeps the container's marker, hostname
 * and address. While it is {@code Restoring} the pod's own pass waits ({@code PodRestores}).
 */
public final class RestoreReconciler implements Reconciler<ResourceKey> {

  private static final String KIND = "Restore";
  public static final String READY = "Ready";

  /** Writes a CloudPod the Restore decided on, bypassing admission (like a PodSet's pods). */
  public interface PodWriter {
    Optional<CloudPod> get(ResourceKey key);

    void create(CloudPod pod);
  }

  private final RestoreRecords restores;
  private final BackupRecords backups;
  private final StoredPodBackups views;
  private final PodWriter pods;
  private final ProxmoxClient client;
  private final EventSink events;
  private final Duration recheck;
  private final Clock clock;

  public RestoreReconciler(
      RestoreRecords restores,
      BackupRecords backups,
      StoredPodBackups views,
      PodWriter pods,
      ProxmoxClient client,
      EventSink events,
      Duration recheck,
      Clock clock) {
    this.restores = restores;
    this.backups = backups;
    this.views = views;
    this.pods = pods;
    this.client = client;
    this.events = events;
    this.recheck = recheck;
    this.clock = clock;
  }

  @Override
  public ReconcileResult reconcile(ResourceKey key) {
    Optional<Restore> found = restores.get(key);
    if (found.isEmpty()) {
      return ReconcileResult.done();
    }
    Restore r = found.get();
    RestoreStatus s = r.status() == null ? empty() : r.status();
    if (r.metadata().deletionTimestamp() != null) {
      if (!RestoreStatus.PHASE_RESTORING.equals(s.phase()) || s.taskRef() == null) {
        restores.finalizeDeletion(key);
        return ReconcileResult.done();
      }
    } else if (s.terminal()) {
      return ReconcileResult.done();
    }
    Optional<Backup> backup = backups.get(ResourceKey.of(key.tenant(), r.spec().backup()));
    boolean inPlace = r.spec().target() != null && r.spec().target().isInPlace();
    String podName =
        inPlace
            ? backup.map(b -> b.spec().pod()).orElse(s.pod())
            : r.spec().target() == null ? key.name() : r.spec().target().podName();
    if (podName == null) {
      podName = key.name();
    }
    ResourceKey podKey = ResourceKey.of(key.tenant(), podName);
    Optional<CloudPod> pod = pods.get(podKey);
    Optional<BackupView> before =
        s.beforeRestoreBackup() == null
            ? Optional.empty()
            : backups.get(ResourceKey.of(key.tenant(), s.beforeRestoreBackup())).map(views::view);
    RestorePlanner.Wanted wanted =
        new RestorePlanner.Wanted(
            key.name(),
            r.spec().backup(),
            inPlace,
            podName,
            s.phase(),
            s.beforeRestoreBackup(),
            s.taskRef());
    RestorePlanner.Container container = RestorePlanner.Container.ABSENT;
    Optional<RestorePlanner.Task> task = Optional.empty();
    if (inPlace) {
      container = container(pod);
      task = task(s.taskRef());
    }
    RestorePlanner.Step step =
        RestorePlanner.plan(
            wanted,
            backup.map(views::view),
            pod.map(RestoreReconciler::podView),
            before,
            container,
            task);
    return apply(key, r, s, podKey, pod, backup, step);
  }

  private ReconcileResult apply(
      ResourceKey key,
      Restore r,
      RestoreStatus s,
      ResourceKey podKey,
      Optional<CloudPod> pod,
      Optional<Backup> backup,
      RestorePlanner.Step step) {
    Instant now = now();
    RestoreStatus start = s.startTime() == null ? with(s, s.phase(), podKey.name(), now) : s;
    if (step instanceof RestorePlanner.Wait w) {
      write(key, r, start, w.phase(), w.reason(), w.message(), false, Event.INFO);
      return ReconcileResult.requeueAfter(recheck);
    }
    if (step instanceof RestorePlanner.Fail f) {
      RestoreStatus done = withTask(start, null, now);
      write(key, r, done, RestoreStatus.PHASE_FAILED, f.reason(), f.message(), false, Event.ERROR);
      return ReconcileResult.done();
    }
    if (step instanceof RestorePlanner.Complete c) {
      RestoreStatus done = withTask(start, null, now);
      write(key, r, done, RestoreStatus.PHASE_COMPLETED, "Restored", c.message(), true, Event.INFO);
      return ReconcileResult.done();
    }
    if (step instanceof RestorePlanner.CreatePod c) {
      Backup b = backup.orElseThrow();
      CloudPodSpec spec = specFor(key.tenant(), b);
      if (spec == null) {
        write(
            key,
            r,
            withTask(start, null, now),
            RestoreStatus.PHASE_FAILED,
            "NoPodSpec",
            "backup "
                + b.metadata().name()
                + " has no pod spec (status.podSpec) and its pod is gone: nothing to restore as",
            false,
            Event.ERROR);
        return ReconcileResult.done();
      }
      pods.create(CloudPod.of(ObjectMeta.named(key.tenant(), c.podName()), spec));
      write(
          key,
          r,
          start,
          RestoreStatus.PHASE_RESTORING,
          "PodCreated",
          "CloudPod " + c.podName() + " created from backup " + b.metadata().name(),
          false,
          Event.INFO);
      return ReconcileResult.requeueAfter(recheck);
    }
    if (step instanceof RestorePlanner.RequestBeforeRestore q) {
      CloudPod p = pod.orElseThrow();
      backups.create(
          StoredPodBackups.controllerBackup(
              podKey, q.backupName(), BackupSpec.REASON_BEFORE_RESTORE, uid(p)));
      RestoreStatus next = withBefore(start, q.backupName());
      write(
          key,
          r,
          next,
          RestoreStatus.PHASE_BACKING_UP,
          "BackingUp",
          "BeforeRestore backup " + q.backupName() + " asked for; nothing is touched before it",
          false,
          Event.INFO);
      return ReconcileResult.requeueAfter(recheck);
    }
    if (step instanceof RestorePlanner.StopContainer st) {
      // Restoring first: from now on the pod's own pass waits and cannot start the CT again
      restores.updateStatus(
          key,
          new RestoreStatus(
              RestoreStatus.PHASE_RESTORING,
              start.pod(),
              start.beforeRestoreBackup(),
              null,
              start.startTime(),
              null,
              start.attempts(),
              "stopping CT " + st.vmid(),
              start.observedGeneration(),
              start.conditions()));
      Upid upid = client.stop(st.node(), st.vmid());
      write(
          key,
          r,
          withTask(start, upid.toString(), null),
          RestoreStatus.PHASE_RESTORING,
          "Stopping",
          "CT " + st.vmid() + " stopped for the restore",
          false,
          Event.INFO);
      return ReconcileResult.requeueAfter(recheck);
    }
    if (step instanceof RestorePlanner.TaskDone) {
      write(
          key,
          r,
          withTask(start, null, null),
          RestoreStatus.PHASE_RESTORING,
          "Stopped",
          "CT stopped; restoring next",
          false,
          Event.INFO);
      return ReconcileResult.requeueAfter(Duration.ZERO);
    }
    RestorePlanner.RestoreInPlace ip = (RestorePlanner.RestoreInPlace) step;
    LxcConfig cfg = client.getConfig(ip.node(), ip.vmid());
    Map<String, String> keep = new LinkedHashMap<>();
    cfg.hostname().ifPresent(h -> keep.put("hostname", h));
    if (!cfg.tags().isEmpty()) {
      keep.put("tags", String.join(";", cfg.tags()));
    }
    cfg.description().ifPresent(d -> keep.put("description", d));
    cfg.nets().forEach((i, n) -> keep.put("net" + i, n));
    Action.RestoreContainer action =
        new Action.RestoreContainer(
            ip.node(), ip.vmid(), ip.volid(), ip.storage(), Optional.empty(), keep, true, false);
    Upid upid = client.createContainer(ip.node(), ActionExecutor.restoreRequest(action));
    write(
        key,
        r,
        withTask(start, upid.toString(), null),
        RestoreStatus.PHASE_RESTORING,
        "Restoring",
        "vzrestore of " + ip.volid() + " over CT " + ip.vmid() + " (force=1)",
        false,
        Event.INFO);
    return ReconcileResult.requeueAfter(recheck);
  }

  /** The spec of the new pod: the live backed-up pod's, else the one the Backup kept. */
  private CloudPodSpec specFor(String tenant, Backup b) {
    CloudPodSpec base =
        pods.get(ResourceKey.of(tenant, b.spec().pod()))
            .map(CloudPod::spec)
            .orElse(b.status() == null ? null : b.status().podSpec());
    if (base == null) {
      return null;
    }
    return new CloudPodSpec(
        base.cores(),
        base.memoryMb(),
        base.swapMb(),
        base.diskGb(),
        base.template(),
        base.storage(),
        base.ipPool(),
        null,
        null,
        null,
        base.powerState(),
        base.cloneMode(),
        base.allowRestart(),
        base.finalBackup(),
        b.metadata().name(),
        null,
        null,
        base.region(), // a backup is restored in the region it was taken in
        base.zone());
  }

  private static RestorePlanner.Pod podView(CloudPod p) {
    List<Condition> conds = p.status() == null ? List.of() : p.status().conditions();
    Optional<Condition> ready = Conditions.find(conds, READY);
    return new RestorePlanner.Pod(
        p.metadata().deletionTimestamp() != null,
        p.spec().restoreFrom(),
        ready.map(c -> Conditions.TRUE.equals(c.status())).orElse(false),
        ready.map(Condition::reason).orElse(null),
        ready.map(Condition::message).orElse(null),
        p.status() == null ? null : p.status().vmid(),
        p.status() == null ? null : p.status().node(),
        p.spec().storage(),
        p.status() != null && p.status().taskRef() != null);
  }

  private RestorePlanner.Container container(Optional<CloudPod> pod) {
    if (pod.isEmpty() || pod.get().status() == null) {
      return RestorePlanner.Container.ABSENT;
    }
    Integer vmid = pod.get().status().vmid();
    String node = pod.get().status().node();
    if (vmid == null || node == null) {
      return RestorePlanner.Container.ABSENT;
    }
    try {
      LxcStatus st = client.status(node, vmid);
      if (!Ownership.ownedBy(java.util.Set.copyOf(st.tags()), pod.get().metadata().uid())) {
        return RestorePlanner.Container.FOREIGN;
      }
      if (st.lock().isPresent()) {
        return RestorePlanner.Container.OTHER;
      }
      return st.isRunning() ? RestorePlanner.Container.RUNNING : RestorePlanner.Container.STOPPED;
    } catch (ProxmoxNotFoundException e) {
      return RestorePlanner.Container.ABSENT;
    }
  }

  private Optional<RestorePlanner.Task> task(String taskRef) {
    if (taskRef == null) {
      return Optional.empty();
    }
    TaskStatus t = client.taskStatus(Upid.parse(taskRef));
    return Optional.of(
        new RestorePlanner.Task(t.running(), t.isOk(), t.type(), t.exitStatus().orElse("unknown")));
  }

  /** Writes phase and Ready; an event when the Ready reason changes (not on every pass). */
  private void write(
      ResourceKey key,
      Restore r,
      RestoreStatus s,
      String phase,
      String reason,
      String message,
      boolean ok,
      String level) {
    boolean known = Conditions.hasReason(s.conditions(), READY, reason);
    long gen = r.metadata().generation() == null ? 0 : r.metadata().generation();
    List<Condition> conds =
        Conditions.set(
            s.conditions(),
            READY,
            ok ? Conditions.TRUE : Conditions.FALSE,
            reason,
            message,
            gen,
            now());
    RestoreStatus next =
        new RestoreStatus(
            phase,
            s.pod(),
            s.beforeRestoreBackup(),
            s.taskRef(),
            s.startTime(),
            s.completionTime(),
            s.attempts(),
            message,
            gen,
            conds);
    restores.updateStatus(key, next);
    if (!known) {
      events.record(Event.of(level, reason, message, KIND, key.tenant(), key.name()));
    }
  }

  private static UUID uid(CloudPod p) {
    return UUID.fromString(p.metadata().uid());
  }

  private static RestoreStatus empty() {
    return new RestoreStatus(
        RestoreStatus.PHASE_PENDING, null, null, null, null, null, null, null, null, List.of());
  }

  private static RestoreStatus with(RestoreStatus s, String phase, String pod, Instant start) {
    return new RestoreStatus(
        phase == null ? RestoreStatus.PHASE_PENDING : phase,
        pod,
        s.beforeRestoreBackup(),
        s.taskRef(),
        start,
        s.completionTime(),
        s.attempts(),
        s.message(),
        s.observedGeneration(),
        s.conditions());
  }

  private static RestoreStatus withBefore(RestoreStatus s, String before) {
    return new RestoreStatus(
        s.phase(),
        s.pod(),
        before,
        s.taskRef(),
        s.startTime(),
        s.completionTime(),
        s.attempts(),
        s.message(),
        s.observedGeneration(),
        s.conditions());
  }

  private static RestoreStatus withTask(RestoreStatus s, String taskRef, Instant completion) {
    return new RestoreStatus(
        s.phase(),
        s.pod(),
        s.beforeRestoreBackup(),
        taskRef,
        s.startTime(),
        completion,
        s.attempts(),
        s.message(),
        s.observedGeneration(),
        s.conditions());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
