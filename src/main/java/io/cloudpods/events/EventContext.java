package io.cloudpods.events;

/**
 * What the JSON event log adds to an event from the object it concerns, read from that object's
 * stored row when the event is stored.
 *
 * @param uid the object's uid (for a CloudPod event, the pod's uid)
 * @param generation the object's {@code metadata.generation} when the event was stored
 * @param upid the Proxmox task the event is about ({@code extra.upid}), else the pod's task in
 *     flight when it was stored; null when none
 * @param region the region (cluster) of the object: {@code default} on a single-cluster install
 * @param cores a CloudPod's {@code spec.cores} (the seed's {@code cores})
 * @param memoryMb a CloudPod's {@code spec.memoryMb} (the seed's {@code memory_mb})
 */
public record EventContext(
    String uid, Long generation, String upid, String region, Integer cores, Integer memoryMb) {

  /** The region of every object while there is one Proxmox cluster. */
  public static final String DEFAULT_REGION = "default";

  /** Nothing known about the object beyond the event itself. */
  public static final EventContext NONE =
      new EventContext(null, null, null, DEFAULT_REGION, null, null);

  /** The same context with {@code upid} (when it is not null). */
  public EventContext withUpid(String upid) {
    return upid == null ? this : new EventContext(uid, generation, upid, region, cores, memoryMb);
  }
}
