package io.cloudpods.sim;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which backups a prune keeps, as pve-storage decides it ({@code Plugin.pm prune_backups} and
 * {@code Storage.pm prune_mark_backup_group}): backups are grouped by (type, vmid) within one
 * storage; protected ones and those without the standard {@code vzdump-<type>-<vmid>-<time>} name
 * are marked {@code protected} / {@code renamed} and take no slot; inside a group, newest first,
 * {@code keep-last} keeps the N newest, then hourly, daily, weekly (ISO week), monthly and yearly
 * each keep the newest backup of their N most recent periods that no earlier rule already covers.
 * Periods are read in the node's local time. No positive option, or {@code keep-all=1}, keeps
 * everything. Pure: no simulator state.
 */
final class PruneSelection {
  /** The rules in the order Proxmox applies them. */
  static final List<String> OPTIONS =
      List.of(
          "keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly");

  /** One backup as the prune sees it; {@code vmid} null when the name carries none. */
  record Item(
      String volid,
      long ctime,
      String type,
      Integer vmid,
      boolean standardName,
      boolean isProtected) {}

  /**
   * An item with its verdict: {@code keep}, {@code remove}, {@code protected} or {@code renamed}.
   */
  record Marked(Item item, String mark) {
    boolean removed() {
      return mark.equals("remove");
    }
  }

  private PruneSelection() {}

  /**
   * Marks every item; the answer keeps the input order (Proxmox answers in its listing order).
   * {@code keep} maps option names ({@code keep-all}, {@code keep-last}, ...) to their values;
   * absent means 0.
   */
  static List<Marked> select(List<Item> items, Map<String, Integer> keep, ZoneId zone) {
    Map<Item, String> marks = new LinkedHashMap<>();
    Map<String, List<Item>> groups = new LinkedHashMap<>();
    for (Item it : items) {
      String mark = null;
      if (it.standardName()) {
        groups.computeIfAbsent(it.type() + "/" + it.vmid(), k -> new ArrayList<>()).add(it);
      } else {
        mark = "renamed";
      }
      if (it.isProtected()) {
        mark = "protected";
      }
      marks.put(it, mark);
    }
    for (List<Item> group : groups.values()) {
      markGroup(group, keep, zone, marks);
    }
    List<Marked> out = new ArrayList<>();
    for (Item it : items) {
      out.add(new Marked(it, marks.get(it)));
    }
    return out;
  }

  /** Whether the options keep everything (no positive count, or {@code keep-all}). */
  static boolean keepsAll(Map<String, Integer> keep) {
    if (keep.getOrDefault("keep-all", 0) > 0) {
      return true;
    }
    for (String o : OPTIONS) {
      if (keep.getOrDefault(o, 0) > 0) {
        return false;
      }
    }
    return true;
  }

  private static void markGroup(
      List<Item> group, Map<String, Integer> keep, ZoneId zone, Map<Item, String> marks) {
    if (keepsAll(keep)) {
      for (Item it : group) {
        String m = marks.get(it);
        if (m == null || m.equals("remove")) {
          marks.put(it, "keep");
        }
      }
      return;
    }
    List<Item> newestFirst = new ArrayList<>(group);
    // a stable sort, like Perl's merge sort: equal ctimes keep the listing order
    newestFirst.sort(Comparator.comparingLong(Item::ctime).reversed());
    markRule(newestFirst, keep.getOrDefault("keep-last", 0), it -> Long.toString(it), marks);
    markRule(
        newestFirst,
        keep.getOrDefault("keep-hourly", 0),
        t -> {
          ZonedDateTime d = local(t, zone);
          return d.getHour()
              + "/"
              + d.getDayOfMonth()
              + "/"
              + d.getMonthValue()
              + "/"
              + d.getYear();
        },
        marks);
    markRule(
        newestFirst,
        keep.getOrDefault("keep-daily", 0),
        t -> {
          ZonedDateTime d = local(t, zone);
          return d.getDayOfMonth() + "/" + d.getMonthValue() + "/" + d.getYear();
        },
        marks);
    markRule(
        newestFirst,
        keep.getOrDefault("keep-weekly", 0),
        t -> {
          ZonedDateTime d = local(t, zone);
          return d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR) + "/" + d.get(IsoFields.WEEK_BASED_YEAR);
        },
        marks);
    markRule(
        newestFirst,
        keep.getOrDefault("keep-monthly", 0),
        t -> {
          ZonedDateTime d = local(t, zone);
          return d.getMonthValue() + "/" + d.getYear();
        },
        marks);
    markRule(
        newestFirst,
        keep.getOrDefault("keep-yearly", 0),
        t -> Integer.toString(local(t, zone).getYear()),
        marks);
    for (Item it : newestFirst) {
      marks.putIfAbsent(it, "remove");
    }
  }

  private static ZonedDateTime local(long epochSecond, ZoneId zone) {
    return Instant.ofEpochSecond(epochSecond).atZone(zone);
  }

  /** {@code $prune_mark}: one rule over the newest-first list. */
  private static void markRule(
      List<Item> newestFirst, int count, Function<Long, String> period, Map<Item, String> marks) {
    if (count <= 0) {
      return;
    }
    Set<String> covered = new HashSet<>();
    for (Item it : newestFirst) {
      if ("keep".equals(marks.get(it))) {
        covered.add(period.apply(it.ctime()));
      }
    }
    Set<String> newlyKept = new HashSet<>();
    for (Item it : newestFirst) {
      String id = period.apply(it.ctime());
      if (marks.get(it) != null || covered.contains(id)) {
        continue;
      }
      if (!newlyKept.contains(id)) {
        if (newlyKept.size() >= count) {
          break;
        }
        newlyKept.add(id);
        marks.put(it, "keep");
      } else {
        marks.put(it, "remove");
      }
    }
  }

  /** Parses a {@code prune-backups} property string already checked by its schema. */
  static Map<String, Integer> parse(String propertyString) {
    Map<String, Integer> keep = new LinkedHashMap<>();
    if (propertyString == null || propertyString.isBlank()) {
      return keep;
    }
    for (String part : propertyString.split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        keep.put(part.substring(0, eq).strip(), Integer.parseInt(part.substring(eq + 1).strip()));
      }
    }
    return keep;
  }

  /** The options as vzdump logs them: {@code key=value} sorted by key, comma and space. */
  static String describe(Map<String, Integer> keep) {
    List<String> parts = new ArrayList<>();
    new java.util.TreeMap<>(keep).forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(", ", parts);
  }
}
