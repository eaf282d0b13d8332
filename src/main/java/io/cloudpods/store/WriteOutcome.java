package io.cloudpods.store;

/** What a spec write did, as reported per object by apply. */
public enum WriteOutcome {
  created,
  configured,
  unchanged
}
