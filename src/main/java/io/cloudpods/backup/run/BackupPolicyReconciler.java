package io.cloudpods.backup.run;

import static io.cloudpods.backup.run.BackupConditions.*;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupPolicy;
import io.cloudpods.api.v1alpha1.BackupPolicySpec;
import io.cloudpods.api.v1alpha1.BackupPolicyStatus;
import io.cloudpods.api.v1alpha1.BackupPolicyStatus.BackupRunResult;
import io.cloudpods.api.v1alpha1.BackupPolicyStatus.SkippedRuns;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.api.v1alpha1.Condition;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.backup.BackupPhase;
import io.cloudpods.backup.PolicyRun;
import io.cloudpods.backup.schedule.CatchUp;
import io.cloudpods.backup.schedule.CronSchedule;
import io.cloudpods.backup.schedule.ScheduleDecision;
import io.cloudpods.backup.schedule.SchedulePlanner;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.Reconciler;
import io.cloudpods.events.EventSink;
import io.cloudpods.store.BackupPolicyRecords;
import io.cloudpods.store.BackupRecords;
import io.cloudpods.store.ResourceKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs a BackupPolicy's schedule: {@link SchedulePlanner} decides from the stored status whether a
 * run is due; a due run creates one {@code Scheduled} Backup per selected pod ({@link PolicyRun},
 * names from {@code BackupNames}, so a repeated pass creates nothing twice) and records {@code
 * lastScheduleTime}; the reconcile is then requeued for the next due time, so a run starts within a
 * second or two of it (the periodic resync is the safety net). Due times missed while no controller
 * ran are run once ({@code catchUp: Once}) or counted as skipped ({@code Skip}), and the status
 * says which. Every pass also brings the latest run's result up to date: its Backups completed and
 * failed, {@code lastSuccessfulTime}, and the {@code LastRunSucceeded} condition.
 */
public final class BackupPolicyReconciler implements Reconciler<ResourceKey> {

  static final String KIND = "BackupPolicy";

  /** Never sleep longer than this before looking at a policy again. */
  static final Duration MAX_WAIT = Duration.ofMinutes(10);

  private final BackupPolicyRecords policies;
  private final BackupRecords backups;
  private final BackupPods pods;
  private final EventSink events;
  private final SchedulePlanner planner;
  private final Clock clock;

  public BackupPolicyReconciler(
      BackupPolicyRecords policies,
      BackupRecords backups,
      BackupPods pods,
      EventSink events,
      Duration startingDeadline,
      Clock clock) {
    this.policies = policies;
    this.backups = backups;
    this.pods = pods;
    this.events = events;
    this.planner = new SchedulePlanner(startingDeadline);
    this.clock = clock;
  }

  @Override
  public ReconcileResult reconcile(ResourceKey key) {
    Optional<BackupPolicy> found = policies.get(key);
    if (found.isEmpty() || found.get().metadata().deletionTimestamp() != null) {
      return ReconcileResult.done();
    }
    BackupPolicy p = found.get();
    BackupPolicySpec spec = p.spec();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    long gen = p.metadata().generation() == null ? 1 : p.metadata().generation();
    Status s = Status.from(p.status());
    s.observedGeneration = gen;

    CronSchedule schedule;
    CatchUp catchUp;
    try {
      schedule = CronSchedule.parse(spec.schedule(), spec.timeZone());
      catchUp = CatchUp.parse(spec.catchUp());
    } catch (IllegalArgumentException e) {
      s.nextScheduleTime = null;
      s.condition(SCHEDULED, Conditions.FALSE, REASON_INVALID_SCHEDULE, e.getMessage(), gen, now);
      write(
          key,
          p,
          s,
          Event.of(
              Event.ERROR,
              REASON_INVALID_SCHEDULE,
              e.getMessage(),
              KIND,
              key.tenant(),
              key.name()));
      return ReconcileResult.done();
    }

    Instant lastHandled =
        latest(s.lastScheduleTime, s.skipped == null ? null : s.skipped.lastTime());
    ScheduleDecision d =
        planner.decide(
            schedule,
            Boolean.TRUE.equals(spec.suspend()),
            catchUp,
            lastHandled,
            p.metadata().creationTimestamp(),
            now);
    Event event = null;
    if (d instanceof ScheduleDecision.Suspended) {
      s.nextScheduleTime = null;
      s.condition(
          SCHEDULED,
          Conditions.FALSE,
          REASON_SUSPENDED,
          "spec.suspend is true: no new runs",
          gen,
          now);
    } else if (d instanceof ScheduleDecision.Wait w) {
      s.nextScheduleTime = w.nextScheduleTime().orElse(null);
      if (s.lastScheduleTime == null || !hasCatchUpCondition(s)) {
        s.condition(SCHEDULED, Conditions.TRUE, REASON_ACTIVE, "schedule " + schedule, gen, now);
      }
    } else if (d instanceof ScheduleDecision.SkipMissed m) {
      s.nextScheduleTime = m.nextScheduleTime().orElse(null);
      String msg =
          m.missed()
              + " run(s) missed while no controller ran, the latest due at "
              + m.latestMissed()
              + "; catchUp: Skip, so none is run";
      s.skipped = skip(s.skipped, m.missed(), REASON_MISSED_WHILE_DOWN, m.latestMissed(), msg);
      s.condition(SCHEDULED, Conditions.TRUE, REASON_MISSED_WHILE_DOWN, msg, gen, now);
      event = Event.of(Event.WARN, "RunsSkipped", msg, KIND, key.tenant(), key.name());
    } else if (d instanceof ScheduleDecision.Run r) {
      event = run(key, p, s, r, gen, now);
    }
    refreshLastRun(key, s, gen, now);
    write(key, p, s, event);
    return requeue(s.nextScheduleTime, now);
  }

  private Event run(
      ResourceKey key, BackupPolicy p, Status s, ScheduleDecision.Run r, long gen, Instant now) {
    BackupPolicySpec spec = p.spec();
    List<BackupPods.Pod> all = pods.pods(key.tenant());
    List<Backup> mine = backups.listByPolicy(key.tenant(), key.name());
    Set<String> existing = mine.stream().map(b -> b.metadata().name()).collect(Collectors.toSet());
    Set<String> unfinished = new HashSet<>();
    for (Backup b : mine) {
      if (b.status() == null || !BackupPhase.terminal(b.status().phase())) {
        unfinished.add(b.spec().pod());
      }
    }
    List<PolicyRun.Pod> view =
        all.stream()
            .map(x -> new PolicyRun.Pod(x.name(), x.labels(), x.provisioned(), x.deleting()))
            .toList();
    Map<String, String> match = spec.selector() == null ? Map.of() : spec.selector().matchLabels();
    java.time.ZoneId zone =
        spec.timeZone() == null || spec.timeZone().isBlank()
            ? java.time.ZoneId.of("UTC")
            : java.time.ZoneId.of(spec.timeZone());
    PolicyRun.Plan plan =
        PolicyRun.plan(key.name(), match, view, unfinished, existing, r.scheduledTime(), zone);
    for (PolicyRun.Create c : plan.create()) {
      Map<String, String> labels =
          Map.of(
              LABEL_POLICY,
              key.name(),
              LABEL_SCHEDULED,
              Long.toString(r.scheduledTime().getEpochSecond()));
      backups.create(
          Backup.of(
              new ObjectMeta(c.name(), key.tenant(), labels, null, null, null, null, null, null),
              new BackupSpec(
                  c.pod(),
                  spec.storage(),
                  spec.mode(),
                  spec.compress(),
                  BackupSpec.REASON_SCHEDULED,
                  Boolean.FALSE,
                  null,
                  key.name())));
    }
    s.lastScheduleTime = r.scheduledTime();
    s.nextScheduleTime = r.nextScheduleTime().orElse(null);
    String skippedPods =
        plan.skipped().isEmpty()
            ? ""
            : "; skipped "
                + plan.skipped().stream()
                    .map(x -> x.pod() + " (" + x.reason() + ")")
                    .collect(Collectors.joining(", "));
    String msg =
        "run for "
            + r.scheduledTime()
            + ": "
            + plan.create().size()
            + " backup(s) of "
            + plan.selected()
            + " selected pod(s)"
            + skippedPods;
    if (r.catchUp() || r.missed() > 0) {
      String why =
          r.catchUp()
              ? "catchUp: Once ran the latest of "
                  + Math.max(1, r.missed())
                  + " due time(s) missed while no controller ran"
              : r.missed() + " earlier due time(s) passed without a run";
      s.skipped =
          r.missed() > 0
              ? skip(
                  s.skipped,
                  r.catchUp() ? r.missed() - 1 : r.missed(),
                  REASON_MISSED_WHILE_DOWN,
                  r.scheduledTime(),
                  why)
              : s.skipped;
      s.condition(SCHEDULED, Conditions.TRUE, REASON_CATCH_UP_ONCE, why, gen, now);
      msg = msg + "; " + why;
    } else {
      s.condition(
          SCHEDULED, Conditions.TRUE, REASON_ACTIVE, "schedule " + spec.schedule(), gen, now);
    }
    boolean previousRunning =
        plan.skipped().stream().anyMatch(x -> PolicyRun.SKIP_PREVIOUS_RUNNING.equals(x.reason()));
    return Event.of(
        previousRunning ? Event.WARN : Event.INFO,
        "ScheduledRun",
        msg,
        KIND,
        key.tenant(),
        key.name());
  }

  /** Brings lastRunResult, lastSuccessfulTime and LastRunSucceeded up to the latest run. */
  private void refreshLastRun(ResourceKey key, Status s, long gen, Instant now) {
    if (s.lastScheduleTime == null) {
      return;
    }
    String stamp = Long.toString(s.lastScheduleTime.getEpochSecond());
    List<Backup> run =
        backups.listByPolicy(key.tenant(), key.name()).stream()
            .filter(b -> b.metadata().labels() != null)
            .filter(b -> stamp.equals(b.metadata().labels().get(LABEL_SCHEDULED)))
            .toList();
    int completed = 0;
    int failed = 0;
    Instant lastDone = null;
    String firstFailure = null;
    for (Backup b : run) {
      BackupStatus st = b.status();
      String phase = st == null ? BackupPhase.PENDING : st.phase();
      if (BackupPhase.COMPLETED.equals(phase) || BackupPhase.MISSING.equals(phase)) {
        completed++;
        lastDone = latest(lastDone, st.completionTime());
      } else if (BackupPhase.FAILED.equals(phase)) {
        failed++;
        if (firstFailure == null) {
          firstFailure = b.metadata().name() + ": " + st.message();
        }
      }
    }
    int total = run.size();
    String result;
    if (completed + failed < total) {
      result = BackupRunResult.RUNNING;
    } else if (failed == 0) {
      result = BackupRunResult.SUCCEEDED;
    } else if (completed == 0) {
      result = BackupRunResult.FAILED;
    } else {
      result = BackupRunResult.PARTIALLY_FAILED;
    }
    String message =
        completed
            + " of "
            + total
            + " completed, "
            + failed
            + " failed"
            + (firstFailure == null ? "" : "; " + firstFailure);
    s.lastRun = new BackupRunResult(s.lastScheduleTime, result, total, completed, failed, message);
    if (BackupRunResult.SUCCEEDED.equals(result) && lastDone != null) {
      s.lastSuccessfulTime = latest(s.lastSuccessfulTime, lastDone);
    }
    switch (result) {
      case BackupRunResult.RUNNING ->
          s.condition(LAST_RUN_SUCCEEDED, Conditions.UNKNOWN, REASON_RUNNING, message, gen, now);
      case BackupRunResult.SUCCEEDED ->
          s.condition(LAST_RUN_SUCCEEDED, Conditions.TRUE, REASON_COMPLETED, message, gen, now);
      default ->
          s.condition(
              LAST_RUN_SUCCEEDED, Conditions.FALSE, REASON_BACKUP_FAILED, message, gen, now);
    }
  }

  private void write(ResourceKey key, BackupPolicy p, Status s, Event event) {
    BackupPolicyStatus next = s.build();
    if (!Objects.equals(next, p.status())) {
      if (policies.updateStatus(key, next, p.metadata().resourceVersion())) {
        if (event != null) {
          events.record(event);
        }
        lastRunChanged(key, p.status(), next);
      }
    } else if (event != null) {
      events.record(event);
    }
  }

  /** The run's end is an event of its own (failure visible on the policy). */
  private void lastRunChanged(
      ResourceKey key, BackupPolicyStatus before, BackupPolicyStatus after) {
    BackupRunResult a = after.lastRunResult();
    if (a == null || BackupRunResult.RUNNING.equals(a.result())) {
      return;
    }
    BackupRunResult b = before == null ? null : before.lastRunResult();
    if (b != null
        && Objects.equals(b.scheduleTime(), a.scheduleTime())
        && Objects.equals(b.result(), a.result())) {
      return;
    }
    String level = BackupRunResult.SUCCEEDED.equals(a.result()) ? Event.INFO : Event.WARN;
    events.record(
        Event.of(
            level,
            "Run" + a.result(),
            "run for " + a.scheduleTime() + ": " + a.message(),
            KIND,
            key.tenant(),
            key.name()));
  }

  private static ReconcileResult requeue(Instant next, Instant now) {
    if (next == null) {
      return ReconcileResult.done();
    }
    Duration d = Duration.between(now, next);
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    return ReconcileResult.requeueAfter(d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d.plusMillis(50));
  }

  /**
   * Whether the Scheduled condition still tells of the last catch-up or skip: it stays until the
   * next run, so the status says what start-up did.
   */
  private static boolean hasCatchUpCondition(Status s) {
    return Conditions.hasReason(s.conditions, SCHEDULED, REASON_CATCH_UP_ONCE)
        || Conditions.hasReason(s.conditions, SCHEDULED, REASON_MISSED_WHILE_DOWN);
  }

  private static SkippedRuns skip(
      SkippedRuns before, int count, String reason, Instant at, String message) {
    if (count <= 0) {
      return before;
    }
    int n = (before == null || before.count() == null ? 0 : before.count()) + count;
    return new SkippedRuns(n, reason, at, message);
  }

  private static Instant latest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isAfter(b) ? a : b;
  }

  /** The policy's status being changed. */
  private static final class Status {
    Instant lastScheduleTime;
    Instant nextScheduleTime;
    Instant lastSuccessfulTime;
    SkippedRuns skipped;
    BackupRunResult lastRun;
    Long observedGeneration;
    List<Condition> conditions;

    static Status from(BackupPolicyStatus p) {
      Status s = new Status();
      if (p != null) {
        s.lastScheduleTime = p.lastScheduleTime();
        s.nextScheduleTime = p.nextScheduleTime();
        s.lastSuccessfulTime = p.lastSuccessfulTime();
        s.skipped = p.skippedRuns();
        s.lastRun = p.lastRunResult();
        s.observedGeneration = p.observedGeneration();
        s.conditions = p.conditions();
      }
      return s;
    }

    void condition(
        String type, String status, String reason, String message, long gen, Instant now) {
      if (type.equals(SCHEDULED)) {
        // Ready (what `cloudpods wait --for=condition=Ready` and dashboards read) says the same
        // as Scheduled: the policy's schedule is valid and it plans its runs
        set("Ready", status, reason, message, gen, now);
      }
      set(type, status, reason, message, gen, now);
    }

    private void set(
        String type, String status, String reason, String message, long gen, Instant now) {
      Optional<Condition> old = Conditions.find(conditions, type);
      if (old.isPresent()
          && Objects.equals(old.get().status(), status)
          && Objects.equals(old.get().reason(), reason)
          && Objects.equals(old.get().message(), message)
          && Objects.equals(old.get().observedGeneration(), gen)) {
        return; // unchanged: no write
      }
      conditions = Conditions.set(conditions, type, status, reason, message, gen, now);
    }

    BackupPolicyStatus build() {
      return new BackupPolicyStatus(
          lastScheduleTime,
          nextScheduleTime,
          lastSuccessfulTime,
          skipped,
          lastRun,
          observedGeneration,
          conditions == null
              ? null
              : conditions.stream().sorted(Comparator.comparing(Condition::type)).toList());
    }
  }
}
