package io.cloudpods.proxmox;

import java.time.Duration;

/**
 * What a client asks before every request that changes something in Proxmox (every method but GET):
 * whether this process may still change the cluster, and for how long. A replica that lost its
 * cluster's lease is refused here, so it makes no call.
 */
public interface MutationFence {

  /**
   * Permission for one call, or a {@link FencedException} when there is none.
   *
   * @param what the call, for the refusal's message ({@code POST /nodes/pve/lxc/9000/clone})
   */
  Permit permit(String what);

  /**
   * Checked again just before the request is written: false when the permit's lease may have run
   * out meanwhile (the process was paused between the permit and the write).
   */
  boolean stillValid(Permit p);

  /** The call a permit was given for has ended (answered, failed or refused). */
  default void done(Permit p) {}

  /**
   * @param token names the lease and generation the call is made under; sent as {@value #HEADER}
   *     (Proxmox ignores it, the simulator journals it)
   * @param callTimeout the whole call must end within this, since the lease has more time than that
   *     left
   */
  record Permit(String token, Duration callTimeout, long validUntilNanos) {}

  /** The request header naming the lease a call is made under. */
  String HEADER = "X-CloudPods-Lease";

  /** No fence: a single controller, the CLI, tests. */
  MutationFence NONE =
      new MutationFence() {
        @Override
        public Permit permit(String what) {
          return null;
        }

        @Override
        public boolean stillValid(Permit p) {
          return true;
        }
      };
}
