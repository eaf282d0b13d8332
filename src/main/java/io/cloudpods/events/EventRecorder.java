package io.cloudpods.events;

import io.cloudpods.store.EventStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Records every action and failure of the controller: in the {@code events} table (queryable via
 * {@code GET /api/v1/events}) and, when configured, as a JSON line in the event log file.
 */
@ApplicationScoped
public class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);

  private final EventStore store;
  private final JsonLineLog file;

  public EventRecorder(EventStore store, EventsConfig config) {
    this.store = store;
    this.file = config.logFile().map(JsonLineLog::new).orElse(null);
  }

  /**
   * Records what the controller is about to do, before it asks Proxmox: unlike {@link #record}, a
   * failure to store it is thrown, so the caller does not act without a trace in the event log.
   */
  public void recordIntent(PodEvent e) {
    store.append(e.level(), e.reason(), e.message(), e.kind(), e.tenant(), e.name(), e.vmid(), e.hostname(), e.ip(), null);
    if (file != null) {
      try {
        file.append(e);
      } catch (RuntimeException ex) {
        LOG.warnf("could not write the event log: %s", ex.getMessage());
      }
    }
  }

  public void record(PodEvent e) {
    try {
      store.append(e.level(), e.reason(), e.message(), e.kind(), e.tenant(), e.name(), e.vmid(), e.hostname(), e.ip(), null);
    } catch (RuntimeException ex) {
      LOG.warnf("could not store event %s for %s/%s: %s", e.reason(), e.tenant(), e.name(), ex.getMessage());
    }
    if (file != null) {
      try {
        file.append(e);
      } catch (RuntimeException ex) {
        LOG.warnf("could not write the event log: %s", ex.getMessage());
      }
    }
  }
}
