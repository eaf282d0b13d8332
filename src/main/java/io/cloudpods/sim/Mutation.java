package io.cloudpods.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One accepted request that changed a guest, as the simulator's journal records it at the moment
 * the request was accepted (before its answer is sent, so a lost answer is journaled too).
 *
 * @param timeMillis wall-clock time of acceptance (epoch milliseconds)
 * @param node the node the guest is on
 * @param vmid the guest changed (for a clone: the new container)
 * @param type {@code create}, {@code clone}, {@code config}, {@code resize}, {@code start}, {@code
 *     shutdown}, {@code stop} or {@code destroy}
 * @param upid the task it started, or null for a synchronous change (config)
 * @param authId the token or user that asked for it
 * @param lease the controller lease the request named ({@code cluster/generation/replica}), or null
 */
public record Mutation(
    long timeMillis, String node, int vmid, String type, String upid, String authId, String lease) {

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", timeMillis);
    m.put("node", node);
    m.put("vmid", vmid);
    m.put("type", type);
    m.put("upid", upid);
    m.put("authId", authId);
    m.put("lease", lease);
    return m;
  }
}
