package io.cloudpods.backup.run;

import static io.cloudpods.backup.run.BackupConditions.*;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupPolicy;
import io.cloudpods.api.v1alpha1.BackupRetention;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.backup.BackupConfig;
import io.cloudpods.backup.BackupMetrics;
import io.cloudpods.backup.BackupNotes;
import io.cloudpods.backup.BackupPhase;
import io.cloudpods.backup.BackupStep;
import io.cloudpods.backup.BackupSteps;
import io.cloudpods.backup.PruneOptions;
import io.cloudpods.backup.TaskOutcome;
import io.cloudpods.backup.VzdumpLog;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.Reconciler;
import io.cloudpods.events.EventSink;
import io.cloudpods.proxmox.ProxmoxClient;
import io.cloudpods.proxmox.ProxmoxException;
import io.cloudpods.proxmox.ProxmoxLockedException;
import io.cloudpods.proxmox.ProxmoxNotFoundException;
import io.cloudpods.proxmox.ProxmoxServerException;
import io.cloudpods.proxmox.ProxmoxUnavailableException;
import io.cloudpods.proxmox.PruneMark;
import io.cloudpods.proxmox.StorageContent;
import io.cloudpods.proxmox.TaskLog;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.proxmox.VzdumpRequest;
import io.cloudpods.proxmox.VzdumpResult;
import io.cloudpods.store.BackupPolicyRecords;
import io.cloudpods.store.BackupRecords;
import io.cloudpods.store.ResourceKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Executes Backups: one {@link BackupStep} per pass, decided by {@link BackupSteps} from the stored
 * status, carried out with the Proxmox calls it needs. vzdump runs on the pod's own node, one per
 * node at a time ({@link NodeSlots}); the intent (phase Running, node, vmid) is stored before the
 * call and the task id right after, so a restart finds its task again. A guest lock or the node's
 * global vzdump lock is a wait; any other failure counts as an attempt and is retried with a
 * doubling backoff up to {@code cloudpods.backups.max-attempts}. A completed scheduled backup is
 * followed by Proxmox's prune of the guest with its policy's retention. Completed Backups are
 * checked against the storage content: an archive gone shows as phase {@code Missing}. A Backup
 * marked for deletion has its archive deleted ({@code imgdel}) and then its row removed; a
 * protected one is refused (condition {@code DeletionBlocked}, reason {@code Protected}).
 */
public final class BackupReconciler implements Reconciler<ResourceKey> {

  static final String KIND = "Backup";
  static final int LOG_LINES = 5000;

  private final BackupRecords backups;
  private final BackupPolicyRecords policies;
  private final BackupPods pods;
  private final ProxmoxClient client;
  private final EventSink events;
  private final BackupMetrics metrics;
  private final BackupConfig config;
  private final NodeSlots slots;
  private final ArchiveIndex archives;
  private final Clock clock;
  private String cluster = io.cloudpods.api.v1alpha1.ProxmoxCluster.DEFAULT;
  private Consumer<ResourceKey> wakePolicy = k -> {};
  private BiConsumer<ResourceKey, Duration> wakeLater = (k, d) -> {};

  /** Archives our own prune removed: their Backups become Missing with reason Pruned. */
  private final Set<String> prunedByUs = ConcurrentHashMap.newKeySet();

  public BackupReconciler(
      BackupRecords backups,
      BackupPolicyRecords policies,
      BackupPods pods,
      ProxmoxClient client,
      EventSink events,
      BackupMetrics metrics,
      BackupConfig config,
      NodeSlots slots,
      ArchiveIndex archives,
      Clock clock) {
    this.backups = backups;
    this.policies = policies;
    this.pods = pods;
    this.client = client;
    this.events = events;
    this.metrics = metrics;
    this.config = config;
    this.slots = slots;
    this.archives = archives;
    this.clock = clock;
  }

  /** The Proxmox cluster whose pods this reconciler backs up, recorded on each Backup it starts. */
  public BackupReconciler forCluster(String name) {
    this.cluster = name;
    return this;
  }

  /**
   * @param policy woken (tenant, policy name) when one of its Backups finishes
   * @param later wakes a Backup after a delay (after a prune, its siblings are checked)
   */
  public BackupReconciler wakeWith(
      Consumer<ResourceKey> policy, BiConsumer<ResourceKey, Duration> later) {
    this.wakePolicy = policy;
    this.wakeLater = later;
    return this;
  }

  @Override
  public ReconcileResult reconcile(ResourceKey key) {
    Optional<Backup> found = backups.get(key);
    if (found.isEmpty()) {
      slots.release(key);
      return ReconcileResult.done();
    }
    Backup b = found.get();
    BackupStatus st = b.status() == null ? BackupStatus.pending() : b.status();
    Instant now = now();
    BackupStep step =
        BackupSteps.next(
            st.phase(),
            st.taskRef(),
            st.volid(),
            b.metadata().deletionTimestamp() != null,
            st.retryAfter(),
            st.expiresAt(),
            now);
    if (step instanceof BackupStep.Start) {
      return start(key, b);
    }
    if (step instanceof BackupStep.WaitRetry w) {
      return ReconcileResult.requeueAfter(until(w.until(), now));
    }
    if (step instanceof BackupStep.PollTask p) {
      return poll(key, b, p.upid());
    }
    if (step instanceof BackupStep.Recover) {
      return recover(key, b);
    }
    if (step instanceof BackupStep.CheckArchive) {
      return checkArchive(key, b);
    }
    if (step instanceof BackupStep.Expire) {
      return expire(key, b);
    }
    if (step instanceof BackupStep.DeleteArchive d) {
      return deleteArchive(key, b, d.upid());
    }
    if (step instanceof BackupStep.RemoveRow) {
      return removeRow(key, b);
    }
    slots.release(key); // Nothing: Failed or Missing
    return ReconcileResult.done();
  }

  // ---- start ------------------------------------------------------------------------------------

  private ReconcileResult start(ResourceKey key, Backup b) {
    BackupSpec spec = b.spec();
    String tenant = key.tenant();
    metrics.knowTenant(tenant);
    Optional<BackupPods.Pod> found = pods.pod(tenant, spec.pod());
    if (found.isEmpty()) {
      return giveUp(
          key,
          b,
          REASON_POD_NOT_FOUND,
          "CloudPod " + spec.pod() + " does not exist in tenant " + tenant,
          null);
    }
    BackupPods.Pod pod = found.get();
    if (!pod.provisioned()) {
      return waitPending(
          key,
          b,
          REASON_POD_NOT_PROVISIONED,
          "waiting for CloudPod " + spec.pod() + " to have a container",
          config.lockedRecheck());
    }
    String node = pod.node();
    if (!slots.tryAcquire(node, key)) {
      List<String> busy = slots.holders(node).stream().map(ResourceKey::name).toList();
      return waitPending(
          key,
          b,
          REASON_WAITING_FOR_NODE,
          "waiting for node " + node + ": one vzdump per node, running " + String.join(", ", busy),
          config.lockedRecheck());
    }
    Instant now = now();
    BackupStatusBuilder s = BackupStatusBuilder.from(b.status());
    s.phase = BackupPhase.RUNNING;
    s.node = node;
    s.cluster = cluster;
    s.vmid = pod.vmid();
    s.podUid = pod.uid();
    s.podSpec = pod.spec();
    s.startTime = now;
    s.completionTime = null;
    s.taskRef = null;
    s.retryAfter = null;
    s.attempts = s.attempts() + 1;
    s.message = "vzdump of CT " + pod.vmid() + " on node " + node;
    s.observedGeneration = generation(b);
    s.condition(SUCCEEDED, Conditions.UNKNOWN, REASON_RUNNING, s.message, generation(b), now);
    try {
      backups.updateStatus(key, s.build(), b.metadata().resourceVersion());
    } catch (RuntimeException e) {
      slots.release(key);
      throw e;
    }
    events.recordIntent(
        event(
            Event.INFO,
            "BackupStarting",
            "vzdump of CT "
                + pod.vmid()
                + " on node "
                + node
                + " to "
                + spec.storage()
                + " (mode "
                + spec.mode()
                + ", attempt "
                + s.attempts
                + ")",
            key));
    VzdumpResult result;
    try {
      result = client.vzdump(node, request(key, b, pod));
    } catch (ProxmoxLockedException e) {
      return lockWait(key, b, s, REASON_GUEST_LOCKED, e.getMessage());
    } catch (ProxmoxUnavailableException | ProxmoxServerException e) {
      // no answer, or the API proxy could not reach the node: nothing was refused, ask again
      // (if the vzdump did start, the next ask meets its backup lock and waits for it)
      return unavailableWait(key, b, s, e.getMessage());
    } catch (ProxmoxException e) {
      return attemptFailed(key, b, s, "vzdump refused: " + e.getMessage());
    }
    if (result.isNothingToDo()) {
      return attemptFailed(
          key, b, s, "vzdump had nothing to do: CT " + pod.vmid() + " is not on node " + node);
    }
    s.taskRef = result.task().get().text();
    backups.updateStatus(key, s.build());
    return ReconcileResult.requeueAfter(config.pollInitial());
  }

  private VzdumpRequest request(ResourceKey key, Backup b, BackupPods.Pod pod) {
    BackupSpec spec = b.spec();
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put(
        "notes-template", BackupNotes.template(key.tenant(), spec.pod(), key.name(), spec.notes()));
    if (spec.isProtected()) {
      extra.put("protected", "1");
    }
    // never prune inside the job: retention runs afterwards, by policy (see prune)
    extra.putAll(PruneOptions.forVzdump(Optional.empty()));
    return new VzdumpRequest(
        List.of(pod.vmid()),
        Optional.of(spec.storage()),
        Optional.of(spec.mode()),
        Optional.of(spec.compress()),
        extra);
  }

  // ---- poll -------------------------------------------------------------------------------------

  private ReconcileResult poll(ResourceKey key, Backup b, String upidText) {
    BackupStatusBuilder s = BackupStatusBuilder.from(b.status());
    Upid upid = Upid.parse(upidText);
    if (s.node != null) {
      slots.hold(s.node, key);
    }
    TaskStatus ts;
    try {
      ts = client.taskStatus(upid);
    } catch (ProxmoxNotFoundException e) {
      return recover(key, b);
    }
    Instant now = now();
    if (ts.running()) {
      return ReconcileResult.requeueAfter(pollDelay(s.startTime, now));
    }
    VzdumpLog log = VzdumpLog.parse(logLines(upid));
    TaskOutcome outcome =
        TaskOutcome.of(
            ts,
            log,
            b.spec().storage(),
            Math.max(1, s.attempts()),
            config.maxAttempts(),
            config.retryBase(),
            config.retryMax());
    if (outcome instanceof TaskOutcome.Succeeded ok) {
      return completed(key, b, s, ok.volid(), log);
    }
    if (outcome instanceof TaskOutcome.Locked l) {
      return lockWait(
          key, b, s, REASON_GUEST_LOCKED, "CT locked (" + l.lock() + "): " + l.message());
    }
    if (outcome instanceof TaskOutcome.NodeBusy n) {
      return lockWait(key, b, s, REASON_NODE_BUSY, n.message());
    }
    if (outcome instanceof TaskOutcome.Retry r) {
      return retry(key, b, s, r.message(), r.backoff());
    }
    TaskOutcome.GaveUp g = (TaskOutcome.GaveUp) outcome;
    return giveUp(key, b, REASON_BACKUP_FAILED, g.message(), s);
  }

  private List<String> logLines(Upid upid) {
    TaskLog log = client.taskLog(upid, 0, LOG_LINES);
    return log.lines().stream().map(TaskLog.Line::text).toList();
  }

  private ReconcileResult completed(
      ResourceKey key, Backup b, BackupStatusBuilder s, Optional<String> fromLog, VzdumpLog log) {
    BackupSpec spec = b.spec();
    Optional<StorageContent> archive =
        fromLog.flatMap(v -> archives.findFresh(s.node, spec.storage(), v));
    if (archive.isEmpty()) {
      archive = archives.findByNotes(s.node, spec.storage(), s.vmid, key.name());
    }
    Instant now = now();
    long gen = generation(b);
    String volid = archive.map(StorageContent::volid).or(() -> fromLog).orElse(null);
    if (volid == null) {
      // the task said OK but there is no archive to show for it
      return attemptFailed(
          key, b, s, "vzdump ended OK but neither its log nor the storage names an archive");
    }
    s.phase = BackupPhase.COMPLETED;
    s.volid = volid;
    s.sizeBytes = archive.map(StorageContent::size).orElse(null);
    s.completionTime = now;
    s.retryAfter = null;
    s.effectiveMode = log.fellBackToSuspend() ? "suspend" : spec.mode();
    s.message = "archive " + volid;
    if (BackupSpec.REASON_FINAL.equals(spec.reason())) {
      s.expiresAt = now.plus(config.finalRetention());
    }
    s.condition(SUCCEEDED, Conditions.TRUE, REASON_COMPLETED, s.message, gen, now);
    s.condition(ARCHIVE_AVAILABLE, Conditions.TRUE, REASON_COMPLETED, volid, gen, now);
    if (log.fellBackToSuspend()) {
      String m =
          "snapshot mode is not supported by the container's volumes: vzdump used suspend mode";
      s.condition(MODE_FALLBACK, Conditions.TRUE, REASON_SNAPSHOT_NOT_SUPPORTED, m, gen, now);
      events.record(event(Event.WARN, "SnapshotFellBackToSuspend", m, key));
    }
    backups.updateStatus(key, s.build());
    slots.release(key);
    Duration took = s.startTime == null ? null : Duration.between(s.startTime, now);
    metrics.finished(key.tenant(), spec.reason(), BackupPhase.COMPLETED, took);
    if (spec.policy() != null) {
      metrics.lastSuccess(key.tenant(), spec.policy(), now);
    }
    events.record(
        event(
                Event.INFO,
                "BackupCompleted",
                "archive " + volid + " on node " + s.node + (took == null ? "" : " in " + took),
                key)
            .about(s.vmid, null, null));
    prune(key, b, s);
    wakePolicy(key, b);
    return ReconcileResult.done();
  }

  /** Retention, by Proxmox's own prune of this guest with the policy's options. */
  private void prune(ResourceKey key, Backup b, BackupStatusBuilder s) {
    BackupSpec spec = b.spec();
    if (spec.policy() == null || !BackupSpec.REASON_SCHEDULED.equals(spec.reason())) {
      return;
    }
    Optional<BackupPolicy> policy = policies.get(ResourceKey.of(key.tenant(), spec.policy()));
    if (policy.isEmpty() || policy.get().spec().retention() == null) {
      return;
    }
    BackupRetention r = policy.get().spec().retention();
    String options =
        PruneOptions.of(
            r.keepLast(),
            r.keepHourly(),
            r.keepDaily(),
            r.keepWeekly(),
            r.keepMonthly(),
            r.keepYearly());
    if ("keep-all=1".equals(options)) {
      return;
    }
    try {
      List<String> gone =
          client
              .pruneDryRun(s.node, spec.storage(), Optional.of(options), Optional.of(s.vmid))
              .stream()
              .filter(PruneMark::removed)
              .map(PruneMark::volid)
              .toList();
      if (gone.isEmpty()) {
        return;
      }
      prunedByUs.addAll(gone);
      client.pruneBackups(s.node, spec.storage(), Optional.of(options), Optional.of(s.vmid));
      archives.forget(s.node, spec.storage());
      events.record(
          event(
              Event.INFO,
              "Pruned",
              "retention "
                  + options
                  + " of policy "
                  + spec.policy()
                  + " removes "
                  + gone.size()
                  + " archive(s) of CT "
                  + s.vmid
                  + ": "
                  + String.join(", ", gone),
              key));
      for (Backup other : backups.listByPod(key.tenant(), spec.pod())) {
        BackupStatus os = other.status();
        if (os != null && os.volid() != null && gone.contains(os.volid())) {
          wakeLater.accept(
              ResourceKey.of(key.tenant(), other.metadata().name()), config.pollInitial());
        }
      }
    } catch (ProxmoxException e) {
      // the backup itself is fine; the next scheduled backup prunes again
      events.record(
          event(
              Event.WARN,
              "PruneFailed",
              "retention " + options + " of policy " + spec.policy() + ": " + e.getMessage(),
              key));
    }
  }

  // ---- waits, failures
  // ----------------------------------------------------------------------------

  private ReconcileResult waitPending(
      ResourceKey key, Backup b, String reason, String message, Duration recheck) {
    BackupStatusBuilder s = BackupStatusBuilder.from(b.status());
    boolean changed = !Objects.equals(s.message, message) || !BackupPhase.PENDING.equals(s.phase);
    if (changed) {
      Instant now = now();
      s.phase = BackupPhase.PENDING;
      s.message = message;
      s.observedGeneration = generation(b);
      s.condition(SUCCEEDED, Conditions.UNKNOWN, reason, message, generation(b), now);
      backups.updateStatus(key, s.build());
      events.record(event(Event.INFO, reason, message, key));
    }
    return ReconcileResult.requeueAfter(recheck);
  }

  /** The guest or the node was locked: back to Pending, no attempt counted. */
  private ReconcileResult lockWait(
      ResourceKey key, Backup b, BackupStatusBuilder s, String reason, String message) {
    Instant now = now();
    s.phase = BackupPhase.PENDING;
    s.taskRef = null;
    s.attempts = Math.max(0, s.attempts() - 1);
    s.retryAfter = now.plus(config.lockedRecheck());
    s.message = "waiting: " + message;
    s.condition(SUCCEEDED, Conditions.UNKNOWN, reason, s.message, generation(b), now);
    backups.updateStatus(key, s.build());
    slots.release(key);
    events.record(event(Event.INFO, reason, s.message, key));
    return ReconcileResult.requeueAfter(config.lockedRecheck());
  }

  /**
   * Proxmox did not take the request (no answer or 5xx): back to Pending, no attempt counted, asked
   * again after {@code retry-base}. The condition says why for as long as it lasts.
   */
  private ReconcileResult unavailableWait(
      ResourceKey key, Backup b, BackupStatusBuilder s, String message) {
    Instant now = now();
    s.phase = BackupPhase.PENDING;
    s.taskRef = null;
    s.attempts = Math.max(0, s.attempts() - 1);
    s.retryAfter = now.plus(config.retryBase());
    s.message = "Proxmox did not take the vzdump request (" + message + "); asking again";
    s.condition(
        SUCCEEDED, Conditions.UNKNOWN, REASON_PROXMOX_UNAVAILABLE, s.message, generation(b), now);
    backups.updateStatus(key, s.build());
    slots.release(key);
    events.record(event(Event.WARN, REASON_PROXMOX_UNAVAILABLE, s.message, key));
    return ReconcileResult.requeueAfter(config.retryBase());
  }

  private ReconcileResult attemptFailed(
      ResourceKey key, Backup b, BackupStatusBuilder s, String message) {
    if (s.attempts() >= config.maxAttempts()) {
      return giveUp(key, b, REASON_BACKUP_FAILED, message, s);
    }
    return retry(
        key,
        b,
        s,
        message,
        TaskOutcome.backoff(s.attempts(), config.retryBase(), config.retryMax()));
  }

  private ReconcileResult retry(
      ResourceKey key, Backup b, BackupStatusBuilder s, String message, Duration backoff) {
    Instant now = now();
    s.phase = BackupPhase.PENDING;
    s.taskRef = null;
    s.retryAfter = now.plus(backoff);
    s.message =
        "attempt "
            + s.attempts()
            + " of "
            + config.maxAttempts()
            + " failed: "
            + message
            + "; retrying at "
            + s.retryAfter.truncatedTo(ChronoUnit.SECONDS);
    s.condition(
        SUCCEEDED, Conditions.UNKNOWN, REASON_RETRY_SCHEDULED, s.message, generation(b), now);
    backups.updateStatus(key, s.build());
    slots.release(key);
    Map<String, Object> extra =
        Map.of("attempt", s.attempts(), "retryInSeconds", backoff.toSeconds());
    events.record(event(Event.WARN, "BackupAttemptFailed", message, key).withExtra(extra));
    events.record(
        Event.of(
                Event.WARN,
                "BackupAttemptFailed",
                "backup " + key.name() + ": " + message + " (will retry)",
                "CloudPod",
                key.tenant(),
                b.spec().pod())
            .withExtra(extra));
    return ReconcileResult.requeueAfter(backoff);
  }

  private ReconcileResult giveUp(
      ResourceKey key, Backup b, String reason, String message, BackupStatusBuilder from) {
    BackupStatusBuilder s = from != null ? from : BackupStatusBuilder.from(b.status());
    Instant now = now();
    s.phase = BackupPhase.FAILED;
    s.retryAfter = null;
    s.completionTime = now;
    s.message = message;
    s.observedGeneration = generation(b);
    s.condition(SUCCEEDED, Conditions.FALSE, reason, message, generation(b), now);
    backups.updateStatus(key, s.build());
    slots.release(key);
    metrics.finished(key.tenant(), b.spec().reason(), BackupPhase.FAILED, null);
    events.record(event(Event.ERROR, "BackupFailed", message, key));
    events.record(
        Event.of(
            Event.ERROR,
            "BackupFailed",
            "backup " + key.name() + " failed: " + message,
            "CloudPod",
            key.tenant(),
            b.spec().pod()));
    wakePolicy(key, b);
    return ReconcileResult.done();
  }

  // ---- recover ----------------------------------------------------------------------------------

  /** Running without a task: the process stopped between intent and task id. */
  private ReconcileResult recover(ResourceKey key, Backup b) {
    BackupStatusBuilder s = BackupStatusBuilder.from(b.status());
    if (s.node != null && s.vmid != null) {
      Optional<StorageContent> archive =
          archives.findByNotes(s.node, b.spec().storage(), s.vmid, key.name());
      if (archive.isPresent()) {
        return completed(key, b, s, Optional.of(archive.get().volid()), VzdumpLog.parse(List.of()));
      }
    }
    // no archive of ours: start again; a vzdump still running shows as the guest's backup lock
    Instant now = now();
    s.phase = BackupPhase.PENDING;
    s.taskRef = null;
    s.attempts = Math.max(0, s.attempts() - 1);
    s.message = "the vzdump task was lost (controller restart); starting again";
    s.condition(SUCCEEDED, Conditions.UNKNOWN, REASON_PENDING, s.message, generation(b), now);
    backups.updateStatus(key, s.build());
    slots.release(key);
    events.record(event(Event.INFO, "BackupRecovered", s.message, key));
    return ReconcileResult.requeueAfter(Duration.ZERO);
  }

  // ---- completed: storage content sync
  // ------------------------------------------------------------

  private ReconcileResult checkArchive(ResourceKey key, Backup b) {
    BackupStatus st = b.status();
    if (st.node() == null || st.volid() == null) {
      return ReconcileResult.done();
    }
    String storage = storageOf(b);
    Optional<StorageContent> archive = archives.find(st.node(), storage, st.volid());
    if (archive.isEmpty()) {
      // read again before declaring it gone: the list may predate the archive
      archives.forget(st.node(), storage);
      archive = archives.find(st.node(), storage, st.volid());
    }
    if (archive.isEmpty()) {
      boolean pruned = prunedByUs.remove(st.volid());
      String reason = pruned ? REASON_PRUNED : REASON_ARCHIVE_GONE;
      String message =
          pruned
              ? "archive "
                  + st.volid()
                  + " was removed by the retention of policy "
                  + b.spec().policy()
              : "archive "
                  + st.volid()
                  + " is no longer in the content of storage "
                  + storage
                  + " (pruned or deleted outside the controller)";
      BackupStatusBuilder s = BackupStatusBuilder.from(st);
      Instant now = now();
      s.phase = BackupPhase.MISSING;
      s.message = message;
      s.condition(ARCHIVE_AVAILABLE, Conditions.FALSE, reason, message, generation(b), now);
      backups.updateStatus(key, s.build());
      events.record(event(pruned ? Event.INFO : Event.WARN, "ArchiveMissing", message, key));
      return ReconcileResult.done();
    }
    StorageContent c = archive.get();
    boolean wantProtected = b.spec().isProtected();
    if (c.isProtected() != wantProtected) {
      client.updateVolume(
          st.node(), storage, st.volid(), Optional.empty(), Optional.of(wantProtected));
      archives.forget(st.node(), storage);
      events.record(
          event(
              Event.INFO,
              wantProtected ? "Protected" : "Unprotected",
              "archive " + st.volid() + (wantProtected ? " protected" : " no longer protected"),
              key));
    }
    if (st.sizeBytes() == null || st.sizeBytes() != c.size()) {
      BackupStatusBuilder s = BackupStatusBuilder.from(st);
      s.sizeBytes = c.size();
      backups.updateStatus(key, s.build());
    }
    return ReconcileResult.done();
  }

  // ---- expiry, deletion -------------------------------------------------------------------------

  private ReconcileResult expire(ResourceKey key, Backup b) {
    BackupStatus st = b.status();
    events.record(
        event(
            Event.INFO,
            "Expired",
            "final backup kept until "
                + st.expiresAt()
                + ": unprotecting and deleting "
                + st.volid(),
            key));
    backups.markDeleted(key);
    return ReconcileResult.requeueAfter(Duration.ZERO);
  }

  private ReconcileResult deleteArchive(ResourceKey key, Backup b, String taskRef) {
    BackupStatus st = b.status();
    Instant now = now();
    boolean expired = st.expiresAt() != null && !st.expiresAt().isAfter(now);
    if (b.spec().isProtected() && !expired) {
      if (!Conditions.hasReason(st.conditions(), DELETION_BLOCKED, REASON_PROTECTED)) {
        String m = "archive " + st.volid() + " is protected: set protected to false to delete it";
        BackupStatusBuilder s = BackupStatusBuilder.from(st);
        s.condition(DELETION_BLOCKED, Conditions.TRUE, REASON_PROTECTED, m, generation(b), now);
        backups.updateStatus(key, s.build());
        events.record(event(Event.WARN, "DeletionRefused", m, key));
      }
      return ReconcileResult.done();
    }
    String storage = storageOf(b);
    String node = st.node();
    if (taskRef != null && Upid.isUpid(taskRef) && "imgdel".equals(Upid.parse(taskRef).type())) {
      Upid upid = Upid.parse(taskRef);
      TaskStatus ts;
      try {
        ts = client.taskStatus(upid);
      } catch (ProxmoxNotFoundException e) {
        ts = null;
      }
      if (ts != null && ts.running()) {
        return ReconcileResult.requeueAfter(config.pollInitial());
      }
      archives.forget(node, storage);
      if (ts == null || ts.isOk() || archives.find(node, storage, st.volid()).isEmpty()) {
        return removeRow(key, b);
      }
      VzdumpLog log = VzdumpLog.parse(logLines(upid));
      String m =
          "deleting archive "
              + st.volid()
              + " failed: "
              + log.failureMessage(ts.exitStatus().orElse("failed"));
      BackupStatusBuilder s = BackupStatusBuilder.from(st);
      s.taskRef = null;
      s.condition(DELETION_BLOCKED, Conditions.TRUE, REASON_DELETE_FAILED, m, generation(b), now);
      backups.updateStatus(key, s.build());
      events.record(event(Event.WARN, "DeleteFailed", m, key));
      return ReconcileResult.requeueAfter(config.retryBase());
    }
    Optional<StorageContent> archive = archives.find(node, storage, st.volid());
    if (archive.isEmpty()) {
      archives.forget(node, storage);
      archive = archives.find(node, storage, st.volid());
    }
    if (archive.isEmpty()) {
      return removeRow(key, b);
    }
    if (archive.get().isProtected()) {
      client.updateVolume(node, storage, st.volid(), Optional.empty(), Optional.of(false));
    }
    events.recordIntent(event(Event.INFO, "DeletingArchive", "deleting " + st.volid(), key));
    Upid upid = client.deleteVolume(node, storage, st.volid());
    BackupStatusBuilder s = BackupStatusBuilder.from(st);
    s.taskRef = upid.text();
    backups.updateStatus(key, s.build());
    return ReconcileResult.requeueAfter(config.pollInitial());
  }

  private ReconcileResult removeRow(ResourceKey key, Backup b) {
    slots.release(key);
    if (backups.finalizeDeletion(key)) {
      BackupStatus st = b.status();
      events.record(
          event(
              Event.INFO,
              "Deleted",
              st != null && st.volid() != null && !BackupPhase.MISSING.equals(st.phase())
                  ? "archive " + st.volid() + " deleted"
                  : "backup removed; it had no archive",
              key));
      if (st != null && st.node() != null) {
        archives.forget(st.node(), storageOf(b));
      }
    }
    return ReconcileResult.done();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void wakePolicy(ResourceKey key, Backup b) {
    if (b.spec().policy() != null) {
      wakePolicy.accept(ResourceKey.of(key.tenant(), b.spec().policy()));
    }
  }

  /** The archive's storage: the volid's prefix, else the spec's. */
  static String storageOf(Backup b) {
    String volid = b.status() == null ? null : b.status().volid();
    if (volid != null && volid.indexOf(':') > 0) {
      return volid.substring(0, volid.indexOf(':'));
    }
    return b.spec().storage();
  }

  private Duration pollDelay(Instant started, Instant now) {
    Duration elapsed = started == null ? Duration.ZERO : Duration.between(started, now);
    Duration d = elapsed.dividedBy(4);
    if (d.compareTo(config.pollInitial()) < 0) {
      return config.pollInitial();
    }
    return d.compareTo(config.pollMax()) > 0 ? config.pollMax() : d;
  }

  private static Duration until(Instant t, Instant now) {
    Duration d = Duration.between(now, t);
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static long generation(Backup b) {
    return b.metadata().generation() == null ? 1 : b.metadata().generation();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static Event event(String level, String reason, String message, ResourceKey key) {
    return Event.of(level, reason, message, KIND, key.tenant(), key.name());
  }

  /** For tests and the bench: the backups the node's slots hold. */
  NodeSlots slots() {
    return slots;
  }
}
