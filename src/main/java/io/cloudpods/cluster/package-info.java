/**
 * Proxmox clusters as objects: the {@code ProxmoxCluster} kind's connection settings and secrets,
 * and the prober that keeps each cluster's {@code Reachable} condition, last contact, version and
 * nodes current. Every cluster is probed on its own, with its own client and timeout, so a cluster
 * that stops answering delays no other.
 */
package io.cloudpods.cluster;
