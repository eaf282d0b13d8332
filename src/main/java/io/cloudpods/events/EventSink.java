package io.cloudpods.events;

import io.cloudpods.api.v1alpha1.Event;

/** Where reconcilers record what they do and see; {@link EventRecorder} in production. */
public interface EventSink {

  /**
   * Records what is about to be asked of Proxmox, before the call: a failure to store it is thrown,
   * so the caller does not act without a trace in the event log.
   */
  void recordIntent(Event e);

  /** Records an outcome or an observation; a failure to store it is logged, never thrown. */
  void record(Event e);
}
