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

  ChangeRouter(
      ConvergenceCache pods,
      Consumer<ResourceKey> enqueuePod,
      Consumer<ResourceKey> wakePodSet,
      Supplier<List<ResourceKey>> allPods) {
    this.pods = pods;
    this.enqueuePod = enqueuePod;
    this.wakePodSet = wakePodSet;
    this.allPods = allPods;
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
      }
      case "PodSet" -> wakePodSet.accept(ResourceKey.of(change.tenant(), change.name()));
      case "IpPool", "Tenant" -> {
        pods.invalidateAll(); // bridge, gateway, nameservers: not visible in the cluster list
        allPods.get().forEach(enqueuePod);
      }
      default -> LOG.debugf("ignoring change of kind %s", change.kind());
    }
  }
}
