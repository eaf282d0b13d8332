package io.cloudpods.api.v1alpha1;

/** What a tenant's CloudPods and PodSets claim, in the units of {@link TenantQuota}. */
public record TenantUsage(int pods, int cores, long memoryMb, long diskGb) {
  public static final TenantUsage ZERO = new TenantUsage(0, 0, 0, 0);

  public TenantUsage plus(TenantUsage o) {
    return new TenantUsage(
        pods + o.pods, cores + o.cores, memoryMb + o.memoryMb, diskGb + o.diskGb);
  }

  public TenantUsage minus(TenantUsage o) {
    return new TenantUsage(
        pods - o.pods, cores - o.cores, memoryMb - o.memoryMb, diskGb - o.diskGb);
  }

  /** The claim of {@code replicas} pods of the given (defaulted) spec. */
  public static TenantUsage of(int replicas, CloudPodSpec spec) {
    return new TenantUsage(
        replicas,
        replicas * spec.cores(),
        (long) replicas * spec.memoryMb(),
        (long) replicas * spec.diskGb());
  }
}
