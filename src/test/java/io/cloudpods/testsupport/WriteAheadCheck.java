package io.cloudpods.testsupport;

import io.cloudpods.sim.Mutation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Checks that the event log is write-ahead: every mutation the simulator journaled is matched by a
 * distinct event of the same kind for the same VMID recorded at or before it. Matching is one to
 * one (earliest unused event first), so an early "Starting" cannot cover two later starts.
 */
public final class WriteAheadCheck {

  /** The event reason the controller records before each kind of journaled mutation. */
  public static final Map<String, String> REASON_BY_MUTATION =
      Map.of(
          "clone", "Cloning",
          "config", "UpdatingConfig",
          "resize", "DiskResizing",
          "start", "Starting",
          "shutdown", "ShuttingDown",
          "stop", "Stopping",
          "destroy", "Destroying",
          "firewall", "UpdatingFirewall");

  /** One event as stored (only what the check needs). */
  public record LoggedEvent(Instant ts, String reason, Integer vmid) {}

  /** A mutation without an event before it. */
  public record Gap(Mutation mutation, String expectedReason) {
    @Override
    public String toString() {
      return mutation.type()
          + " of CT "
          + mutation.vmid()
          + " on "
          + mutation.node()
          + " at "
          + Instant.ofEpochMilli(mutation.timeMillis())
          + (mutation.upid() == null ? "" : " (" + mutation.upid() + ")")
          + ": no unmatched "
          + expectedReason
          + " event at or before it";
    }
  }

  private WriteAheadCheck() {}

  /**
   * The occurrences of one stored event series: the first at {@code first}, the last at {@code
   * last}, and those between at {@code first} (the table keeps only the first and last times; the
   * JSON log file has every occurrence with its own time).
   */
  public static List<LoggedEvent> occurrences(
      Instant first, Instant last, int count, String reason, Integer vmid) {
    List<LoggedEvent> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new LoggedEvent(i == count - 1 && i > 0 ? last : first, reason, vmid));
    }
    return out;
  }

  public static List<Gap> gaps(
      List<Mutation> mutations,
      List<LoggedEvent> events,
      Predicate<Mutation> considered,
      Duration slack) {
    Map<String, List<LoggedEvent>> byKey = new HashMap<>();
    for (LoggedEvent e : events) {
      if (e.vmid() != null) {
        byKey.computeIfAbsent(e.vmid() + "/" + e.reason(), k -> new ArrayList<>()).add(e);
      }
    }
    byKey.values().forEach(l -> l.sort(Comparator.comparing(LoggedEvent::ts)));
    Map<String, Integer> used = new HashMap<>();
    List<Gap> gaps = new ArrayList<>();
    List<Mutation> sorted = new ArrayList<>(mutations);
    sorted.sort(Comparator.comparingLong(Mutation::timeMillis));
    for (Mutation m : sorted) {
      if (!considered.test(m)) {
        continue;
      }
      String reason = REASON_BY_MUTATION.getOrDefault(m.type(), "?" + m.type());
      String key = m.vmid() + "/" + reason;
      List<LoggedEvent> candidates = byKey.getOrDefault(key, List.of());
      int next = used.getOrDefault(key, 0);
      Instant latest = Instant.ofEpochMilli(m.timeMillis()).plus(slack);
      if (next < candidates.size() && !candidates.get(next).ts().isAfter(latest)) {
        used.put(key, next + 1);
      } else {
        gaps.add(new Gap(m, reason));
      }
    }
    return gaps;
  }
}
