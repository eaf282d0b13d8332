package io.cloudpods.imports;

import java.util.List;

/**
 * What an import finds and will do: one decision per container (and per log pod whose container is
 * gone), the tenants it creates and the IPAM-file addresses it reserves.
 */
public record ImportPlan(
    List<Decision> containers,
    List<TenantToCreate> tenants,
    List<Reserve> reservations,
    List<String> notes) {

  public ImportPlan {
    containers = List.copyOf(containers);
    tenants = List.copyOf(tenants);
    reservations = List.copyOf(reservations);
    notes = List.copyOf(notes);
  }

  /** What is done with a container. */
  public enum Verdict {
    /** Written as a CloudPod with {@code spec.adopt: true}; the controller takes it over. */
    ADOPT,
    /** Left alone on purpose (infrastructure, template, already ours, not the scripts'). */
    SKIP,
    /** Looks like the scripts' but cannot be adopted safely; nothing is written for it. */
    CONFLICT
  }

  /** The size the adopted pod's spec gets (the container's own, so that adoption changes none). */
  public record Size(int cores, int memoryMb, int swapMb, int diskGb) {}

  /**
   * One container's decision.
   *
   * @param node null when the container is on no node
   * @param tenant, name, ipPool, size set for {@link Verdict#ADOPT} only
   * @param notes what the import noticed (hand edits, an address missing from the IPAM file)
   */
  public record Decision(
      int vmid,
      String node,
      String hostname,
      String ip,
      Verdict verdict,
      String reason,
      String tenant,
      String name,
      String ipPool,
      Size size,
      List<String> notes) {
    public Decision {
      notes = List.copyOf(notes);
    }
  }

  /**
   * A tenant the import creates, with the quota of its pods' sums (memory counts with swap) and the
   * IP pools its pods' addresses come from as the pools it may use.
   */
  public record TenantToCreate(
      String name,
      int maxPods,
      int maxCores,
      int maxMemoryMb,
      int maxDiskGb,
      List<String> ipPools) {
    public TenantToCreate {
      ipPools = List.copyOf(ipPools);
    }
  }

  /**
   * An IPAM-file address that no adopted pod takes.
   *
   * @param pool the pool it is reserved in, null when no pool holds it (reported only)
   * @param reason why it is (or is not) reserved
   */
  public record Reserve(String ip, String pool, String reason) {}
}
