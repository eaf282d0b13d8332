package io.cloudpods.store;

import io.cloudpods.api.v1alpha1.Event;

/**
 * Fired (as a CDI event) by the event store inside the transaction that stored {@code event}, so
 * the JSON event log can write it once that transaction commits: every stored event, whoever
 * recorded it (the controller through {@code io.cloudpods.events.EventRecorder}, the API server
 * straight into the store), and none that was rolled back.
 */
public record EventStored(Event event) {}
