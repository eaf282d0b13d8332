package io.cloudpods.manager;

import io.cloudpods.cloudpod.observe.ConvergenceCache;
import io.cloudpods.store.ResourceKey;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/** A desired-state row changed (from any writer): wakes what depends on it. */
final class ChangeRouter implements Consumer<ChangeListener.Change> {

  private static final Logger LOG = Logger.getLogger(ChangeRouter.class);

  private final ConvergenceCache pods;
  private final Consumer<ResourceKey> enqueuePod;
  private final Consumer<ResourceKey> wakePodSet;
  private final Supplier<List<ResourceKey>> allPods;
  private final Consumer<ResourceKey> enqueueTenant;
  private final java.util.Map<String, Consumer<ResourceKey>> byKind =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Consumer<ChangeListener.Change> backups;

  /**
   * @param enqueueTenant wakes the tenant reconcile: on a change of the tenant, and when a pod or
   *     PodSet of it is removed (a tenant being deleted may own nothing any more)
   */
  ChangeRouter(
      ConvergenceCache pods,
      Consumer<ResourceKey> enqueuePod,
      Consumer<ResourceKey> wakePodSet,
      Supplier<List<ResourceKey>> allPods,
      Consumer<ResourceKey> enqueueTenant) {
    this(pods, enqueuePod, wakePodSet, allPods, enqueueTenant, c -> {});
  }

  /**
   * @param backups wakes the backup controller on a change of a Backup or BackupPolicy
   */
  ChangeRouter(
      ConvergenceCache pods,
      Consumer<ResourceKey> enqueuePod,
      Consumer<ResourceKey> wakePodSet,
      Supplier<List<ResourceKey>> allPods,
      Consumer<ResourceKey> enqueueTenant,
      Consumer<ChangeListener.Change> backups) {
    this.backups = backups;
    this.pods = pods;
    this.enqueuePod = enqueuePod;
    this.wakePodSet = wakePodSet;
    this.allPods = allPods;
    this.enqueueTenant = enqueueTenant;
  }

  private volatile Runnable clusters = () -> {};

  /** Runs {@code changed} on every change of a ProxmoxCluster row. */
  ChangeRouter onClusterChange(Runnable changed) {
    this.clusters = changed;
    return this;
  }

  /** Also wakes {@code enqueue} with the key of every change of {@code kind} (a tenant kind). */
  ChangeRouter route(String kind, Consumer<ResourceKey> enqueue) {
    byKind.put(kind, enqueue);
    return this;
  }

  @Override
  public void accept(ChangeListener.Change change) {
    switch (change.kind()) {
      case "CloudPod" -> {
        ResourceKey key = ResourceKey.of(change.tenant(), change.name());
        pods.invalidate(key);
        enqueuePod.accept(key);
        if (change.owner() != null) {
          wakePodSet.accept(ResourceKey.of(change.tenant(), change.owner()));
        }
        wakeTenantOnRemoval(change);
      }
      case "PodSet" -> {
        wakePodSet.accept(ResourceKey.of(change.tenant(), change.name()));
        wakeTenantOnRemoval(change);
      }
      case "Backup", "BackupPolicy" -> {
        backups.accept(change);
        wakeTenantOnRemoval(change);
      }
      case "IpPool" -> everyPod();
      case "ProxmoxCluster" -> clusters.run();
      case "Tenant" -> {
        enqueueTenant.accept(ResourceKey.cluster(change.name()));
        everyPod();
      }
      default -> {
        Consumer<ResourceKey> other = byKind.get(change.kind());
        if (other != null && change.tenant() != null) {
          other.accept(ResourceKey.of(change.tenant(), change.name()));
        } else {
          LOG.debugf("ignoring change of kind %s", change.kind());
        }
      }
    }
  }

  private void everyPod() {
    pods.invalidateAll(); // bridge, gateway, nameservers: not visible in the cluster list
    allPods.get().forEach(enqueuePod);
  }

  private void wakeTenantOnRemoval(ChangeListener.Change change) {
    if ("DELETE".equals(change.op()) && change.tenant() != null) {
      enqueueTenant.accept(ResourceKey.cluster(change.tenant()));
    }
  }
}
