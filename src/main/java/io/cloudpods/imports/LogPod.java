package io.cloudpods.imports;

/**
 * What the seed log says about one VMID after all its lines, a later line winning over an earlier
 * one field by field (an empty value, such as the address a destroy could not read, never wins).
 *
 * @param ip the IPv4 address without its prefix length, or null
 * @param tenant as the script logged it ({@code unknown} when it was not given), or null
 * @param state what the last create/destroy line says
 * @param line the last line about this VMID
 */
public record LogPod(
    int vmid,
    String hostname,
    String ip,
    String tenant,
    Integer cores,
    Integer memoryMb,
    State state,
    long line) {

  /** Where a pod is in the scripts' lifecycle, by its last create or destroy line. */
  public enum State {
    /** {@code CloudPod create requested} (or a later create step) without a success line yet. */
    REQUESTED,
    /** {@code CloudPod created successfully}. */
    CREATED,
    /** {@code CloudPod destroy requested} without a success line. */
    DESTROYING,
    /** {@code CloudPod destroyed successfully}. */
    DESTROYED
  }

  /** True when the log says the container should exist (created, or its create never finished). */
  public boolean alive() {
    return state == State.CREATED || state == State.REQUESTED;
  }
}
