package io.cloudpods.controller;

/**
 * A failure that retrying cannot fix (an invalid spec, a refusal that will not change). The key is
 * not retried until something wakes it again (a spec change or the periodic resync).
 */
public class TerminalReconcileException extends Exception {
  public TerminalReconcileException(String message) {
    super(message);
  }

  public TerminalReconcileException(String message, Throwable cause) {
    super(message, cause);
  }
}
