package io.cloudpods.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The whole simulated cluster. Every read and write happens while holding this object's monitor,
 * which plays the role of the config and storage flocks for the (instantaneous) in-memory steps.
 * Task steps are scheduled on a small scheduler instead of sleeping threads, so hundreds of
 * concurrent tasks cost nothing but a timer each.
 */
final class ClusterState {
  private static final Logger LOG = Logger.getLogger(ClusterState.class.getName());
  private static final int MAX_FINISHED_TASKS = 20_000;

  final SimulatorOptions options;
  final Faults faults;
  private volatile TimingModel timing;
  final Map<String, SimNode> nodes = new LinkedHashMap<>();

  /** All guests cluster-wide by VMID (VMIDs are unique in a cluster). */
  final TreeMap<Integer, Guest> guests = new TreeMap<>();

  final Map<String, Pool> pools = new LinkedHashMap<>();

  /** {@code /etc/pve/firewall/<vmid>.fw} by VMID; absent when the file would not exist. */
  final Map<Integer, SimFirewall> firewalls = new TreeMap<>();

  /**
   * Fault control: per vmid, the error texts of its next vzdumps that fail ({@code ERROR: Backup of
   * VM <id> failed - <text>}), one per backup, in order.
   */
  final Map<Integer, java.util.ArrayDeque<String>> backupFaults = new TreeMap<>();

  /** The error of this guest's next injected backup failure, if one is armed (and uses it up). */
  String takeBackupFault(int vmid) {
    java.util.ArrayDeque<String> q = backupFaults.get(vmid);
    if (q == null || q.isEmpty()) {
      return null;
    }
    String msg = q.pollFirst();
    if (q.isEmpty()) {
      backupFaults.remove(vmid);
    }
    return msg;
  }

  final Map<String, Task> tasks = new LinkedHashMap<>();
  private final Random random;
  private final ScheduledExecutorService scheduler;
  private int finishedTasks;

  /** Accepted guest mutations, oldest first (bounded; see {@link #journal}). */
  private final java.util.ArrayDeque<Mutation> journal = new java.util.ArrayDeque<>();

  private static final int MAX_JOURNAL = 200_000;

  ClusterState(SimulatorOptions options) {
    this.options = options;
    this.timing = options.timing();
    this.faults = new Faults(options.seed());
    this.random = new Random(options.seed());
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          Thread t = new Thread(r, "pve-sim-tasks-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.scheduler = Executors.newScheduledThreadPool(2, tf);
  }

  TimingModel timing() {
    return timing;
  }

  /** Journals a guest mutation at the moment its request is accepted. */
  void journal(String node, int vmid, String type, String upid, Call c) {
    journal(node, vmid, type, upid, c.authId(), c.lease());
  }

  void journal(String node, int vmid, String type, String upid, String authId, String lease) {
    synchronized (journal) {
      journal.addLast(new Mutation(now(), node, vmid, type, upid, authId, lease));
      if (journal.size() > MAX_JOURNAL) {
        journal.removeFirst();
      }
    }
  }

  List<Mutation> journal() {
    synchronized (journal) {
      return new ArrayList<>(journal);
    }
  }

  void setTiming(TimingModel t) {
    timing = t;
  }

  long now() {
    return System.currentTimeMillis();
  }

  void shutdown() {
    scheduler.shutdownNow();
  }

  // ---- lookups raising the real messages ----

  SimNode node(String name) {
    SimNode n = nodes.get(name);
    if (n == null) {
      throw ApiException.fail(
          "hostname lookup '"
              + name
              + "' failed - failed to get address info for: "
              + name
              + ": Name or service not known");
    }
    return n;
  }

  /** The container {@code vmid} on {@code node}, or the real "config file does not exist" 500. */
  Guest lxc(String node, int vmid) {
    node(node);
    Guest g = guests.get(vmid);
    if (g == null || !g.node.equals(node) || !g.type.equals("lxc")) {
      throw ApiException.fail(
          "Configuration file 'nodes/" + node + "/lxc/" + vmid + ".conf' does not exist");
    }
    return g;
  }

  SimStorage storage(SimNode node, String sid) {
    SimStorage s = node.storages.get(sid);
    if (s == null) {
      throw ApiException.fail("storage '" + sid + "' does not exist");
    }
    return s;
  }

  static void checkLock(Guest g) {
    if (g.lock() != null) {
      throw ApiException.fail("CT is locked (" + g.lock() + ")");
    }
  }

  /** {@code check_vmid_unused}: the word is the type of the existing guest. */
  void checkVmidUnused(int vmid) {
    Guest g = guests.get(vmid);
    if (g != null) {
      throw ApiException.fail(existsMessage(g));
    }
  }

  static String existsMessage(Guest g) {
    return (g.type.equals("lxc") ? "CT " : "VM ")
        + g.vmid
        + " already exists on node '"
        + g.node
        + "'";
  }

  void addGuest(Guest g) {
    guests.put(g.vmid, g);
  }

  void removeGuest(Guest g) {
    guests.remove(g.vmid, g);
    // destroy, and the cleanup of a failed create or clone, remove the guest's firewall config
    firewalls.remove(g.vmid);
    if (g.pool != null) {
      Pool p = pools.get(g.pool);
      if (p != null) {
        p.vms.remove(g.vmid);
      }
    }
    for (SimStorage s : nodes.get(g.node).storages.values()) {
      s.volumes.values().removeIf(v -> v.vmid() == g.vmid);
    }
  }

  /** Random unicast MAC with the Proxmox default prefix {@code BC:24:11}. */
  String newMac() {
    return String.format(
        Locale.ROOT,
        "BC:24:11:%02X:%02X:%02X",
        random.nextInt(256),
        random.nextInt(256),
        random.nextInt(256));
  }

  int randomInt(int bound) {
    return random.nextInt(bound);
  }

  // ---- tasks ----

  Task startTask(String node, String type, String id, String authId) {
    SimNode n = node(node);
    long now = now();
    int pid = n.nextPid++;
    if (n.nextPid > 0x3FFFFF) {
      n.nextPid = 1000;
    }
    long pstart = (now - n.bootEpochMillis) / 10; // clock ticks (USER_HZ=100) since boot
    Task t = new Task(node, pid, pstart, now / 1000, type, id, authId);
    t.injectedFailure = faults.nextTaskFailure();
    tasks.put(t.upid, t);
    return t;
  }

  void taskOk(Task t) {
    if (t.finishOk(now())) {
      onTaskFinished();
    }
  }

  void taskFail(Task t, String message) {
    if (t.finishError(message, now())) {
      onTaskFinished();
    }
  }

  private void onTaskFinished() {
    finishedTasks++;
    if (finishedTasks > MAX_FINISHED_TASKS) {
      Iterator<Task> it = tasks.values().iterator();
      while (it.hasNext() && finishedTasks > MAX_FINISHED_TASKS * 9 / 10) {
        if (!it.next().running()) {
          it.remove();
          finishedTasks--;
        }
      }
    }
  }

  Task task(String upid) {
    return tasks.get(upid);
  }

  // ---- scheduling ----

  /** Runs {@code step} after a model duration (scaled), under the state monitor. */
  ScheduledFuture<?> after(Duration modelDuration, Runnable step) {
    return afterMillis(timing.scaledMillis(modelDuration), step);
  }

  ScheduledFuture<?> afterMillis(long millis, Runnable step) {
    return scheduler.schedule(
        () -> {
          synchronized (this) {
            try {
              step.run();
            } catch (RuntimeException e) {
              LOG.log(Level.SEVERE, "simulator task step failed", e);
            }
          }
        },
        Math.max(0, millis),
        TimeUnit.MILLISECONDS);
  }

  /**
   * A step inside a task: failures end the task with {@code prefix + message} and run {@code
   * cleanup}.
   */
  void taskStep(Task t, Duration modelDuration, String prefix, Runnable cleanup, Runnable step) {
    after(
        modelDuration,
        () -> {
          if (!t.running()) {
            return;
          }
          try {
            step.run();
          } catch (ApiException e) {
            if (cleanup != null) {
              cleanup.run();
            }
            taskFail(t, prefix + e.getMessage());
          } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "internal simulator error in task " + t.upid, e);
            if (cleanup != null) {
              cleanup.run();
            }
            taskFail(t, prefix + "internal simulator error: " + e);
          }
        });
  }

  // ---- config flock ----

  /**
   * Runs {@code body} inside task {@code t} holding the container's config flock for the rest of
   * the task, like workers that call {@code lock_config} around their whole job (start, stop,
   * shutdown, resize). Waits up to {@code configLockTimeout} for another task to release it, then
   * fails the task.
   */
  void withConfigFlock(Guest g, Task t, String prefix, Runnable cleanup, Runnable body) {
    if (g.flockFree() || g.flockHolder == t) {
      g.flockHolder = t;
      body.run();
      return;
    }
    t.log("trying to acquire lock...");
    long deadline = now() + timing.scaledMillis(timing.configLockTimeout());
    pollFlock(g, t, prefix, cleanup, body, deadline);
  }

  private void pollFlock(
      Guest g, Task t, String prefix, Runnable cleanup, Runnable body, long deadline) {
    afterMillis(
        FLOCK_POLL_MILLIS,
        () -> {
          if (!t.running()) {
            return;
          }
          if (g.flockFree()) {
            t.log(" OK");
            g.flockHolder = t;
            try {
              body.run();
            } catch (ApiException e) {
              if (cleanup != null) {
                cleanup.run();
              }
              taskFail(t, prefix + e.getMessage());
            } catch (RuntimeException e) {
              LOG.log(Level.SEVERE, "internal simulator error in task " + t.upid, e);
              taskFail(t, prefix + "internal simulator error: " + e);
            }
          } else if (now() >= deadline) {
            if (cleanup != null) {
              cleanup.run();
            }
            taskFail(t, prefix + g.flockTimeoutMessage());
          } else {
            pollFlock(g, t, prefix, cleanup, body, deadline);
          }
        });
  }

  /**
   * A synchronous API call found the config flock taken; the frontend retries it until the timeout.
   */
  static final class FlockBusy extends RuntimeException {
    final Guest guest;

    FlockBusy(Guest guest) {
      super(guest.flockTimeoutMessage(), null, false, false);
      this.guest = guest;
    }
  }

  /** For synchronous handlers: throws {@link FlockBusy} while another task holds the flock. */
  static void requireConfigFlock(Guest g) {
    if (!g.flockFree()) {
      throw new FlockBusy(g);
    }
  }

  static final long FLOCK_POLL_MILLIS = 5;

  // ---- per-storage allocation lock ----

  /**
   * Takes the storage's allocation lock for the task, waiting up to {@code storageLockTimeout}. On
   * timeout the task fails with the local-storage flock message.
   */
  void acquireStorageLock(
      SimStorage s, Task t, String failPrefix, Runnable cleanup, Runnable onAcquired) {
    if (!s.allocationLocked) {
      s.allocationLocked = true;
      onAcquired.run();
      return;
    }
    SimStorage.Waiter w = new SimStorage.Waiter(onAcquired);
    s.waiters.addLast(w);
    w.timeout =
        after(
            timing.storageLockTimeout(),
            () -> {
              if (s.waiters.remove(w)) {
                if (cleanup != null) {
                  cleanup.run();
                }
                taskFail(
                    t,
                    failPrefix
                        + "can't lock file '/var/lock/pve-manager/pve-storage-"
                        + s.id
                        + "' - got timeout");
              }
            });
  }

  void releaseStorageLock(SimStorage s) {
    SimStorage.Waiter next = s.waiters.pollFirst();
    if (next == null) {
      s.allocationLocked = false;
      return;
    }
    next.timeout.cancel(false);
    afterMillis(0, next.onAcquired);
  }

  // ---- node load ----

  long nodeMemUsed(SimNode n) {
    long used = n.baseMemUsed;
    for (Guest g : guests.values()) {
      if (g.running() && g.node.equals(n.name)) {
        used += g.memoryBytes() / 100 * 35;
      }
    }
    return used;
  }

  /** Memory promised to running guests on the node (their configured maximum). */
  long nodeMemCommitted(SimNode n) {
    long c = 0;
    for (Guest g : guests.values()) {
      if (g.running() && g.node.equals(n.name)) {
        c += g.memoryBytes();
      }
    }
    return c;
  }

  double nodeCpu(SimNode n) {
    int running = 0;
    for (Guest g : guests.values()) {
      if (g.running() && g.node.equals(n.name)) {
        running++;
      }
    }
    return Math.min(1.0, 0.012 + running * 0.004);
  }

  List<Guest> guestsOn(String node) {
    List<Guest> out = new ArrayList<>();
    for (Guest g : guests.values()) {
      if (g.node.equals(node)) {
        out.add(g);
      }
    }
    return out;
  }
}
