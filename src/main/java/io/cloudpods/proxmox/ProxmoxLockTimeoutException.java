package io.cloudpods.proxmox;

/**
 * Waiting for a transient lock timed out: the per-guest config flock ({@code can't lock file
 * '/run/lock/lxc/pve-config-9101.lock' - got timeout}), a storage allocation lock ({@code cfs-lock
 * 'storage-x' error: got lock request timeout}, {@code can't lock file
 * '/var/lock/pve-manager/pve-storage-x' - got timeout}) or the guest migration lock. {@link
 * #resource()} names what was locked. Retryable with backoff.
 */
public class ProxmoxLockTimeoutException extends ProxmoxException {

  private final String resource;

  public ProxmoxLockTimeoutException(
      ErrorContext context, String proxmoxMessage, String resource, Throwable cause) {
    super(context, proxmoxMessage, cause);
    this.resource = resource;
  }

  /** The lock file or cfs lock name, e.g. {@code storage-clients-main}. */
  public String resource() {
    return resource;
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
