package io.cloudpods.replica;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A {@link LeaseKeeper.Holder} that only writes down what the keeper told it, and when. */
final class RecordingHolder implements LeaseKeeper.Holder {

  /** One call of the keeper, at {@code at} on the database's clock. */
  record Event(String kind, String cluster, long generation, String why, long at) {}

  private final FakeTime time;
  private final Set<String> cannotRun = new HashSet<>();
  private final List<Event> events = new ArrayList<>();

  RecordingHolder(FakeTime time) {
    this.time = time;
  }

  /** From now on this replica has no engine for {@code cluster}. */
  RecordingHolder cannotRun(String cluster) {
    cannotRun.add(cluster);
    return this;
  }

  @Override
  public synchronized void gained(String cluster, long generation) {
    events.add(new Event("gained", cluster, generation, null, time.dbNow()));
  }

  @Override
  public synchronized void lost(String cluster, long generation, String why) {
    events.add(new Event("lost", cluster, generation, why, time.dbNow()));
  }

  @Override
  public boolean canRun(String cluster) {
    return !cannotRun.contains(cluster);
  }

  synchronized List<Event> events() {
    return List.copyOf(events);
  }

  synchronized List<Event> gained() {
    return events.stream().filter(e -> e.kind().equals("gained")).toList();
  }

  synchronized List<Event> lost() {
    return events.stream().filter(e -> e.kind().equals("lost")).toList();
  }
}
