package io.cloudpods.cloudpod;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the controller reconciles, in four groups ({@code resync}, {@code tasks}, {@code backoff},
 * {@code limits}). Every knob has a production default. The flat keys of earlier releases ({@code
 * cloudpods.reconcile.resync-interval} and the like) are still read, see {@link
 * LegacyReconcileKeys}.
 */
@ConfigMapping(prefix = "cloudpods.reconcile")
public interface ReconcileConfig {

  /** Run the controller in this process (off for an API-only replica, and in most tests). */
  @WithDefault("true")
  boolean enabled();

  /** Reconciles that run at once. */
  @WithDefault("4")
  int workers();

  /** Probe each new address on the network before handing it out (the scripts' ping check). */
  @WithDefault("true")
  boolean addressProbe();

  /** Timeout of that probe. */
  @WithDefault("1s")
  Duration addressProbeTimeout();

  Resync resync();

  Tasks tasks();

  Backoff backoff();

  Limits limits();

  /** {@code cloudpods.reconcile.resync.*}: the periodic look at everything. */
  interface Resync {

    /** Every object is re-enqueued this often, so drift made by hand in Proxmox is corrected. */
    @WithDefault("30s")
    Duration interval();

    /**
     * A converged pod's config is read in full at least this often, to catch drift that list calls
     * cannot show (network, nameserver, swap). Between reads, resyncs compare list fields only.
     */
    @WithDefault("10m")
    Duration deepVerifyInterval();

    /** Configs of containers that are not CloudPods (for IPAM) are read again this often. */
    @WithDefault("10m")
    Duration foreignConfigTtl();

    /**
     * How long a container with our marker for a pod that is not stored must stay so before it is
     * reported as an orphan (covers the lagging cluster list right after a deletion). Orphans are
     * reported, never modified or destroyed; their addresses and memory count as taken at once.
     */
    @WithDefault("2m")
    Duration orphanGrace();
  }

  /** {@code cloudpods.reconcile.tasks.*}: Proxmox tasks and the waits around them. */
  interface Tasks {

    /** The first check of a task just started (and the shortest wait between checks). */
    @WithDefault("100ms")
    Duration pollInitial();

    /**
     * The longest wait between two checks of a running Proxmox task. Checks start after {@link
     * #pollInitial()} and then wait a tenth of the time the task has run so far, up to this: a task
     * is noticed finished within about 10 % of its duration (or this interval).
     */
    @WithDefault("1s")
    Duration pollInterval();

    /** Graceful shutdown timeout before Proxmox stops a container hard. */
    @WithDefault("60")
    int shutdownTimeoutSeconds();

    /**
     * How soon to look again at a locked container or one whose state Proxmox does not report yet.
     */
    @WithDefault("2s")
    Duration lockedRecheck();

    /**
     * How soon a pod that cannot be placed (no node with room or with the template) looks again. A
     * pod waiting for a free clone/storage/node slot is woken by the gate instead.
     */
    @WithDefault("5s")
    Duration capacityRecheck();
  }

  /** {@code cloudpods.reconcile.backoff.*}: retries after failures. */
  interface Backoff {

    /** Backoff after the first failure of a key; doubles per failure. */
    @WithDefault("1s")
    Duration base();

    /** Upper bound of the per-key backoff. */
    @WithDefault("5m")
    Duration max();

    /** Global cap on retries per second across all keys (0 = none). */
    @WithDefault("20")
    double retryQps();
  }

  /** {@code cloudpods.reconcile.limits.*}: Proxmox tasks at once, per slot. */
  interface Limits {

    /**
     * Clones of one source template at once (Proxmox serialises them on the template's disk lock).
     */
    @WithDefault("1")
    int clonesPerSource();

    /**
     * Tasks that allocate on one storage at once (Proxmox serialises allocations on a storage
     * lock).
     */
    @WithDefault("4")
    int tasksPerStorage();

    /** Tasks per node at once. */
    @WithDefault("16")
    int tasksPerNode();
  }
}
