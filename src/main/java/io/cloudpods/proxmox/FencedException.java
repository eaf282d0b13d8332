package io.cloudpods.proxmox;

/**
 * A change to Proxmox that was not made because this process could not prove it still holds the
 * cluster's lease with enough time left (another replica may hold it now). Nothing was sent; the
 * work is the lease holder's.
 */
public final class FencedException extends RuntimeException {

  public FencedException(String message) {
    super(message);
  }
}
