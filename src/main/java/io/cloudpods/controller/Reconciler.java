package io.cloudpods.controller;

/**
 * Converges one object, named by its key, towards its desired state.
 *
 * <p>The contract is level-triggered: an implementation reads the desired state and the observed
 * state afresh on every call and never relies on why it was called. It may be called again for the
 * same key at any time (resync, wake-up, retry), so every step must be idempotent.
 *
 * <p>Outcomes:
 *
 * <ul>
 *   <li>return {@link ReconcileResult#done()}: converged, nothing to wait for;
 *   <li>return {@link ReconcileResult#requeueAfter}: waiting on something (a Proxmox task), check
 *       again later without counting it as a failure;
 *   <li>throw {@link RequeueException}: "not yet", same as {@code requeueAfter} from deep inside;
 *   <li>throw {@link TerminalReconcileException}: will not succeed by retrying; no retry;
 *   <li>throw anything else: transient failure; retried with per-key exponential backoff.
 * </ul>
 */
@FunctionalInterface
public interface Reconciler<K> {
  ReconcileResult reconcile(K key) throws Exception;
}
