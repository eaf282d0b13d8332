package io.cloudpods.cloudpod.placement;

import java.util.OptionalInt;

/**
 * A node as placement sees it, built from the cluster-wide lists.
 *
 * @param templateVmid the golden template on this node, if the node has one
 * @param memFreeBytes memory not yet promised to guests on this node
 * @param storageFreeBytes free space on the pod storage of this node
 * @param podsOfSet how many pods of the PodSet being placed already run here
 */
public record NodeCandidate(
    String node,
    boolean online,
    OptionalInt templateVmid,
    long memFreeBytes,
    long memTotalBytes,
    long storageFreeBytes,
    int podsOfSet) {}
