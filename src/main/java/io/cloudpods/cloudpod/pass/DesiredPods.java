package io.cloudpods.cloudpod.pass;

import static io.cloudpods.api.v1alpha1.CloudPodConditions.CONFIG_SYNCED;
import static io.cloudpods.api.v1alpha1.CloudPodConditions.POWER_STATE_SYNCED;

import io.cloudpods.api.v1alpha1.CloudPodConditions;
import io.cloudpods.api.v1alpha1.Conditions;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.cloudpod.plan.DesiredPod;
import io.cloudpods.store.PoolSpecs;
import java.util.List;

/** The planner's input for a pass: the pod's spec, its reservation and its pool's network. */
public final class DesiredPods {

  private final PoolSpecs pools;
  private final String clientPool;
  private final int shutdownTimeoutSeconds;

  /**
   * @param clientPool the Proxmox pool every pod is cloned into ({@code ClientPods})
   */
  public DesiredPods(PoolSpecs pools, String clientPool, int shutdownTimeoutSeconds) {
    this.pools = pools;
    this.clientPool = clientPool;
    this.shutdownTimeoutSeconds = shutdownTimeoutSeconds;
  }

  public DesiredPod of(Pass p, int vmid, String node, String ip, boolean deleting) {
    IpPoolSpec pool = pools.spec(p.spec.ipPool()).orElse(null);
    DesiredPod.Network net =
        pool == null
            ? new DesiredPod.Network("vmbr0", ip, 24, "")
            : new DesiredPod.Network(pool.bridge(), ip, prefixLength(pool.cidr()), pool.gateway());
    boolean shutdownFailed =
        Conditions.hasReason(
            p.status.conditions(), POWER_STATE_SYNCED, CloudPodConditions.SHUTDOWN_FAILED);
    boolean restartPending =
        Conditions.hasReason(
            p.status.conditions(), CONFIG_SYNCED, CloudPodConditions.RESTART_REQUIRED);
    return DesiredPod.builder()
        .uid(p.pod.metadata().uid())
        .tenant(p.key.tenant())
        .name(p.key.name())
        .podSet(p.ownerPodSet())
        .vmid(vmid)
        .node(node)
        .hostname(p.hostname())
        .cores(p.spec.cores())
        .memoryMb(p.spec.memoryMb())
        .swapMb(p.spec.swapMb())
        .diskGb(p.spec.diskGb())
        .templateVmid(p.spec.template())
        .storage(p.spec.storage())
        .fullClone(!"linked".equalsIgnoreCase(p.spec.cloneMode()))
        .pool(clientPool)
        .network(net)
        .nameservers(pool == null ? List.of() : pool.nameservers())
        .running(p.wantsRunning())
        .allowRestart(p.allowRestart())
        .shutdownTimeoutSeconds(shutdownTimeoutSeconds)
        .deleting(deleting)
        .forceStopNext(shutdownFailed)
        .restartPending(restartPending)
        .adoption(
            p.spec.adopts()
                ? java.util.Optional.of(new DesiredPod.Adoption(p.orphanToAdopt()))
                : java.util.Optional.empty())
        .guestNetwork(p.spec.guestNetwork())
        .build();
  }

  private static int prefixLength(String cidr) {
    int slash = cidr == null ? -1 : cidr.indexOf('/');
    return slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1).trim());
  }
}
