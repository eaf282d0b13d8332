package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.CloudPodSpec;
import java.util.UUID;

/**
 * What the periodic resync needs to know about one pod to decide whether it needs a pass: its spec
 * (defaults applied), generation, deletion mark, owner, allocation and the cluster it lives in.
 * Read for all pods in one query, so a resync costs one round trip to PostgreSQL whatever the
 * number of pods.
 */
public record PodResyncRow(
    ResourceKey key,
    UUID uid,
    long generation,
    boolean deleting,
    CloudPodSpec spec,
    String ownerName,
    Integer vmid,
    String node,
    String ip,
    String taskUpid,
    String cluster) {}
