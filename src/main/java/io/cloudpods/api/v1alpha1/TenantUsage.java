package io.cloudpods.api.v1alpha1;

/**
 * What a tenant's CloudPods and PodSets claim, in the units of {@link TenantQuota}. {@code
 * memoryMb} is memory plus swap (both are RAM a node commits to the container), and counts against
 * {@code maxMemoryMb}; {@code swapMb} is the swap part of it.
 */
public record TenantUsage(int pods, int cores, long memoryMb, long diskGb, long swapMb) {
  public static final TenantUsage ZERO = new TenantUsage(0, 0, 0, 0, 0);

  public TenantUsage plus(TenantUsage o) {
    return new TenantUsage(
        pods + o.pods,
        cores + o.cores,
        memoryMb + o.memoryMb,
        diskGb + o.diskGb,
        swapMb + o.swapMb);
  }

  public TenantUsage minus(TenantUsage o) {
    return new TenantUsage(
        pods - o.pods,
        cores - o.cores,
        memoryMb - o.memoryMb,
        diskGb - o.diskGb,
        swapMb - o.swapMb);
  }

  /** The claim of {@code replicas} pods of the given (defaulted) spec. */
  public static TenantUsage of(int replicas, CloudPodSpec spec) {
    long swap = spec.swapMb() == null ? 0 : spec.swapMb();
    return new TenantUsage(
        replicas,
        replicas * spec.cores(),
        (long) replicas * (spec.memoryMb() + swap),
        (long) replicas * spec.diskGb(),
        replicas * swap);
  }
}
