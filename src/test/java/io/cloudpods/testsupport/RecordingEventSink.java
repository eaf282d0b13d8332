package io.cloudpods.testsupport;

import io.cloudpods.api.v1alpha1.Event;
import io.cloudpods.events.EventSink;
import java.util.ArrayList;
import java.util.List;

/** Keeps every event recorded (intents and outcomes alike), in order. */
public final class RecordingEventSink implements EventSink {
  private final List<Event> events = new ArrayList<>();

  @Override
  public synchronized void recordIntent(Event e) {
    events.add(e);
  }

  @Override
  public synchronized void record(Event e) {
    events.add(e);
  }

  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** The reasons of the events recorded, in order. */
  public synchronized List<String> reasons() {
    return events.stream().map(Event::reason).toList();
  }

  public synchronized void clear() {
    events.clear();
  }
}
