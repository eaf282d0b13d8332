package io.cloudpods.auth;

import jakarta.enterprise.context.RequestScoped;

/** Holds the caller that {@link AuthFilter} authenticated for the current request. */
@RequestScoped
public class CurrentCaller {
  private Caller caller;

  public Caller get() {
    if (caller == null) {
      throw new IllegalStateException("request was not authenticated");
    }
    return caller;
  }

  void set(Caller caller) {
    this.caller = caller;
  }
}
