package io.cloudpods.sim;

/** Initial content of the simulated cluster. */
public enum Scenario {
  /** The seed layout: storages, pools, template CT 9000 and the infrastructure guests. */
  SEED,
  /** Nodes, storages and pools only; no guests at all. */
  EMPTY
}
