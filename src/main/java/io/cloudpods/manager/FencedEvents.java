package io.cloudpods.manager;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.events.EventSink;
import io.cloudpods.replica.ClusterLease;

/**
 * The events of one cluster's work: an intent (what is about to be asked of Proxmox) is stored only
 * in the transaction that proves this replica holds the cluster's lease with more than the call
 * timeout left, and refused ({@link io.cloudpods.proxmox.FencedException}, nothing stored, no call)
 * otherwise.
 */
final class FencedEvents implements EventSink {

  private final EventSink events;
  private final ClusterLease lease;

  FencedEvents(EventSink events, ClusterLease lease) {
    this.events = events;
    this.lease = lease;
  }

  @Override
  public void recordIntent(Event e) {
    lease.proveThen(e.reason() + " " + e.message(), () -> events.recordIntent(e));
  }

  @Override
  public void record(Event e) {
    events.record(e);
  }
}
