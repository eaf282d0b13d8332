package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The simulator's prune ({@link BackupOps#prune}, which uses {@link PruneSelection}) against a
 * second, separately written reading of pve-storage's {@code Plugin.pm prune_backups}, {@code
 * Storage.pm archive_info} and {@code prune_mark_backup_group} ({@link PerlReading}), over a few
 * thousand random backup histories and random keep-* options. The reading works from the archive
 * names the way Perl does (it parses the time back out of the name with {@code timelocal}), not
 * from the simulator's stored ctime, so it also checks that the two agree.
 *
 * <p>Set {@code -Dprune.seed=N} to replay one history; a failure prints its seed.
 */
class PruneSelectionPropertyTest {
  private static final int CASES = 2500;

  private static final List<ZoneId> ZONES =
      List.of(
          ZoneId.of("UTC"),
          ZoneId.of("Europe/Berlin"),
          ZoneId.of("America/New_York"),
          ZoneId.of("Australia/Lord_Howe"),
          ZoneId.of("Asia/Kolkata"),
          ZoneId.of("Pacific/Chatham"));

  private static final List<String> OPTIONS =
      List.of(
          "keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly");

  private static final DateTimeFormatter NAME_TIME =
      DateTimeFormatter.ofPattern("yyyy_MM_dd-HH_mm_ss");

  /** One archive on the storage as the test generated it. */
  record Archive(String volname, long ctime, int vmid, String type, boolean isProtected) {}

  /** One random history: the node's zone, the storage's archives, the options and filters. */
  record History(
      long seed,
      ZoneId zone,
      List<Archive> archives,
      Map<String, Integer> keep,
      Integer vmid,
      String type) {
    @Override
    public String toString() {
      StringBuilder b =
          new StringBuilder("seed=" + seed + " zone=" + zone + " keep=" + keep + " vmid=" + vmid);
      b.append(" type=").append(type).append('\n');
      for (Archive a : archives) {
        b.append("  ")
            .append(a.volname())
            .append(a.isProtected() ? " (protected)" : "")
            .append('\n');
      }
      return b.toString();
    }
  }

  @Test
  void simulatorPrune_marksEveryBackupLikeProxmox_overRandomHistories() {
    String fixed = System.getProperty("prune.seed");
    long base = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
    int cases = fixed != null ? 1 : CASES;
    int removedSomewhere = 0;
    int keptByLaterRule = 0;
    for (int i = 0; i < cases; i++) {
      long seed = base + i;
      History h = generate(seed);
      Map<String, String> expected = PerlReading.pruneBackups(h);
      Map<String, String> actual = simulate(h);
      assertThat(actual)
          .as("prune marks differ (replay with -Dprune.seed=%d)%n%s", seed, h)
          .isEqualTo(expected);
      if (expected.containsValue("remove")) {
        removedSomewhere++;
      }
      if (PerlReading.lastRuleKeptMore(h)) {
        keptByLaterRule++;
      }
    }
    if (fixed == null) {
      // the generator must reach the interesting cases, or the comparison proves little
      assertThat(removedSomewhere)
          .as("histories where something is removed")
          .isGreaterThan(cases / 3);
      assertThat(keptByLaterRule)
          .as("histories where hourly..yearly keep more than keep-last alone")
          .isGreaterThan(cases / 10);
    }
  }

  @Test
  void perlReading_keepsTheNewestOfEachPeriod_onAHandWorkedExample() {
    // guards the reference itself: keep-last=1, keep-daily=2, keep-monthly=2 in UTC
    ZoneId utc = ZoneId.of("UTC");
    List<Archive> archives = new ArrayList<>();
    for (String t :
        List.of(
            "2024_03_10-12_00_00", // newest: keep-last
            "2024_03_10-06_00_00", // same day as the keep-last one: day covered, remove
            "2024_03_09-23_00_00", // daily #1
            "2024_03_09-01_00_00", // same day: remove
            "2024_03_08-10_00_00", // daily #2
            "2024_03_07-10_00_00", // daily exhausted; March covered by kept ones: remove
            "2024_02_20-10_00_00", // monthly #1 (February)
            "2024_02_01-10_00_00", // February again: remove
            "2024_01_15-10_00_00", // monthly #2 (January)
            "2023_12_31-10_00_00")) { // monthly exhausted: remove
      archives.add(archive(utc, "lxc", 101, t, "tar.zst", false));
    }
    archives.add(archive(utc, "lxc", 101, "2023_06_01-10_00_00", "tar.zst", true));
    archives.add(new Archive("backup/vzdump-lxc-101-before-upgrade.tar.zst", 0, 101, "lxc", false));
    Map<String, Integer> keep = Map.of("keep-last", 1, "keep-daily", 2, "keep-monthly", 2);
    History h = new History(0, utc, sorted(archives), keep, null, null);

    Map<String, String> marks = PerlReading.pruneBackups(h);

    List<String> expected =
        List.of(
            "keep", "remove", "keep", "remove", "keep", "remove", "keep", "remove", "keep",
            "remove");
    for (int i = 0; i < expected.size(); i++) {
      assertThat(marks.get("vzdump-backups:" + archives.get(i).volname()))
          .as(archives.get(i).volname())
          .isEqualTo(expected.get(i));
    }
    assertThat(marks.get("vzdump-backups:" + archives.get(10).volname())).isEqualTo("protected");
    assertThat(marks.get("vzdump-backups:backup/vzdump-lxc-101-before-upgrade.tar.zst"))
        .isEqualTo("renamed");
    assertThat(simulate(h)).isEqualTo(marks);
  }

  @Test
  void perlReading_usesIsoWeeks_acrossTheYearBoundary() {
    // 2024-12-30 (Mon) and 2025-01-02 (Thu) are both ISO week 1 of 2025; 2024-12-29 is week 52
    ZoneId utc = ZoneId.of("UTC");
    List<Archive> archives =
        sorted(
            List.of(
                archive(utc, "lxc", 101, "2025_01_02-10_00_00", "tar.zst", false),
                archive(utc, "lxc", 101, "2024_12_30-10_00_00", "tar.zst", false),
                archive(utc, "lxc", 101, "2024_12_29-10_00_00", "tar.zst", false)));
    History h = new History(0, utc, archives, Map.of("keep-weekly", 2), null, null);

    Map<String, String> marks = PerlReading.pruneBackups(h);

    assertThat(marks)
        .containsEntry("vzdump-backups:backup/vzdump-lxc-101-2025_01_02-10_00_00.tar.zst", "keep")
        .containsEntry("vzdump-backups:backup/vzdump-lxc-101-2024_12_30-10_00_00.tar.zst", "remove")
        .containsEntry("vzdump-backups:backup/vzdump-lxc-101-2024_12_29-10_00_00.tar.zst", "keep");
    assertThat(simulate(h)).isEqualTo(marks);
  }

  // ---------------------------------------------------------------------------------------------
  // the simulator side

  private static Map<String, String> simulate(History h) {
    SimStorage st =
        new SimStorage(
            "vzdump-backups", "pve", "dir", List.of("backup"), "/mnt/backups", 1L << 40, null);
    for (Archive a : h.archives()) {
      String format = a.volname().substring(a.volname().indexOf('.') + 1);
      st.backups.add(
          new SimStorage.Backup(
              a.volname(),
              1L << 20,
              a.ctime(),
              a.vmid(),
              null,
              a.isProtected(),
              format,
              a.type(),
              Map.of()));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (PruneSelection.Marked m : BackupOps.prune(st, h.keep(), h.vmid(), h.type(), h.zone())) {
      out.put(m.item().volid(), m.mark());
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // random histories

  private static History generate(long seed) {
    Random r = new Random(seed);
    ZoneId zone = ZONES.get(r.nextInt(ZONES.size()));
    List<Archive> archives = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>();
    int[] vmids = {101, 102, 1001};
    String[] types = {"lxc", "lxc", "qemu"};
    int groups = 1 + r.nextInt(3);
    // a start near a DST change now and then, to cross the changes
    long start =
        r.nextInt(4) == 0
            ? LocalDateTime.of(2024, 10, 27, 0, 0).atZone(zone).toEpochSecond()
            : Instant.parse("2021-01-01T00:00:00Z").getEpochSecond()
                + (long) (r.nextDouble() * 3 * 365 * 86400);
    for (int g = 0; g < groups; g++) {
      int vmid = vmids[r.nextInt(vmids.length)];
      String type = types[r.nextInt(types.length)];
      int count = r.nextInt(40);
      // a typical gap: some every few minutes, some hourly, some daily, some weekly, some monthly
      long[] gaps = {600, 3600, 4 * 3600, 86400, 7 * 86400, 31 * 86400, 200 * 86400};
      long gap = gaps[r.nextInt(gaps.length)];
      long t = start + r.nextInt(86400);
      for (int k = 0; k < count; k++) {
        t += 1 + (long) (r.nextDouble() * 2 * gap);
        boolean isProtected = r.nextInt(8) == 0;
        String ext =
            type.equals("qemu")
                ? pick(r, "vma.zst", "vma.gz", "vma")
                : pick(r, "tar.zst", "tar.gz", "tar", "tar.lzo");
        Archive a = archive(zone, type, vmid, t, ext, isProtected);
        if (names.add(a.volname())) {
          archives.add(a);
        }
        if (r.nextInt(25) == 0) {
          // the same second in another compression: equal ctimes inside one group
          String other = type.equals("qemu") ? "vma.lzo" : "tar.bz2";
          Archive twin = archive(zone, type, vmid, t, other, r.nextInt(8) == 0);
          if (names.add(twin.volname())) {
            archives.add(twin);
          }
        }
      }
      if (r.nextInt(3) == 0) {
        // a renamed archive of this guest: listed, but out of the counting
        String name =
            "backup/vzdump-"
                + type
                + "-"
                + vmid
                + "-"
                + pick(r, "manual", "before-upgrade", "x")
                + "."
                + (type.equals("qemu") ? "vma.zst" : "tar.zst");
        if (names.add(name)) {
          archives.add(new Archive(name, t, vmid, type, r.nextInt(4) == 0));
        }
      }
    }
    Map<String, Integer> keep = new TreeMap<>();
    int choice = r.nextInt(20);
    if (choice == 0) {
      keep.put("keep-all", 1);
    } else if (choice == 1) {
      // nothing positive: keeps everything
      keep.put("keep-last", 0);
    } else {
      if (r.nextInt(6) == 0) {
        keep.put("keep-all", 0);
      }
      for (String o : OPTIONS) {
        if (r.nextInt(3) != 0) {
          keep.put(o, r.nextInt(6));
        }
      }
    }
    Integer vmid = r.nextInt(3) == 0 ? vmids[r.nextInt(vmids.length)] : null;
    String type = r.nextInt(5) == 0 ? pick(r, "lxc", "qemu") : null;
    return new History(seed, zone, sorted(archives), keep, vmid, type);
  }

  /** The simulator keeps a storage's backups in volname order, as the directory listing is. */
  private static List<Archive> sorted(List<Archive> archives) {
    List<Archive> out = new ArrayList<>(archives);
    out.sort((a, b) -> a.volname().compareTo(b.volname()));
    return out;
  }

  private static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }

  private static Archive archive(
      ZoneId zone, String type, int vmid, long epochSecond, String ext, boolean isProtected) {
    String time = Instant.ofEpochSecond(epochSecond).atZone(zone).format(NAME_TIME);
    return new Archive(
        "backup/vzdump-" + type + "-" + vmid + "-" + time + "." + ext,
        epochSecond,
        vmid,
        type,
        isProtected);
  }

  private static Archive archive(
      ZoneId zone, String type, int vmid, String time, String ext, boolean isProtected) {
    long epoch = LocalDateTime.parse(time, NAME_TIME).atZone(zone).toEpochSecond();
    return archive(zone, type, vmid, epoch, ext, isProtected);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * A line-by-line reading of the Perl, kept apart from {@link PruneSelection} on purpose: entries
   * are plain maps like Perl's hashes, the period ids are built the way {@code localtime} fields
   * are (month from 0, year from 1900), the ISO week is computed by hand from the week's Thursday
   * (strftime {@code %V}/{@code %G}), and the time comes from the name ({@code timelocal}).
   */
  static final class PerlReading {
    /** {@code $BACKUP_EXT_RE_2} with {@code COMPRESSOR_RE} = gz|lzo|zst|bz2. */
    private static final String EXT = "\\.(tgz|(?:tar|vma)(?:\\.(gz|lzo|zst|bz2))?)";

    private static final Pattern ARCHIVE =
        Pattern.compile("^(vzdump-(lxc|openvz|qemu)-.+" + EXT + ")$");

    /** The name pattern archive_info builds per type and extension, compiled once. */
    private static final Map<String, Pattern> STD_NAMES =
        new java.util.concurrent.ConcurrentHashMap<>();

    private PerlReading() {}

    /** {@code Plugin.pm prune_backups} in dry-run: volid to mark. */
    static Map<String, String> pruneBackups(History h) {
      String storeid = "vzdump-backups";
      List<Map<String, Object>> pruneList = new ArrayList<>();
      Map<String, List<Map<String, Object>>> backupGroups = new LinkedHashMap<>();
      Pattern ofVmid = h.vmid() == null ? null : Pattern.compile("\\S+-" + h.vmid() + "-\\S+");
      for (Archive backup : h.archives()) {
        String fn = backup.volname().substring("backup/".length());
        // get_subdir_files: only match for VMID
        if (ofVmid != null && !ofVmid.matcher(fn).find()) {
          continue;
        }
        Map<String, Object> archiveInfo = archiveInfo(fn, h.zone());
        String backupType =
            archiveInfo.containsKey("type") ? (String) archiveInfo.get("type") : "unknown";
        if (h.type() != null && !h.type().equals(backupType)) {
          continue;
        }
        Map<String, Object> pruneEntry = new HashMap<>();
        pruneEntry.put("ctime", backup.ctime());
        pruneEntry.put("type", backupType);
        pruneEntry.put("volid", storeid + ":" + backup.volname());
        if (Boolean.TRUE.equals(archiveInfo.get("is_std_name"))) {
          pruneEntry.put("ctime", archiveInfo.get("ctime"));
          String group = backupType + "/" + archiveInfo.get("vmid");
          backupGroups.computeIfAbsent(group, k -> new ArrayList<>()).add(pruneEntry);
        } else {
          pruneEntry.put("mark", "renamed");
        }
        if (backup.isProtected()) {
          pruneEntry.put("mark", "protected");
        }
        pruneList.add(pruneEntry);
      }
      for (List<Map<String, Object>> group : backupGroups.values()) {
        pruneMarkBackupGroup(group, h.keep(), h.zone());
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (Map<String, Object> e : pruneList) {
        out.put((String) e.get("volid"), (String) e.get("mark"));
      }
      return out;
    }

    /** Whether the rules after keep-last kept something keep-last alone would not have. */
    static boolean lastRuleKeptMore(History h) {
      Map<String, Integer> lastOnly = new TreeMap<>();
      lastOnly.put("keep-last", h.keep().getOrDefault("keep-last", 0));
      if (lastOnly.get("keep-last") == 0 || h.keep().getOrDefault("keep-all", 0) > 0) {
        return false;
      }
      History alone = new History(h.seed(), h.zone(), h.archives(), lastOnly, h.vmid(), h.type());
      Map<String, String> all = pruneBackups(h);
      Map<String, String> last = pruneBackups(alone);
      return all.entrySet().stream()
          .anyMatch(e -> "keep".equals(e.getValue()) && "remove".equals(last.get(e.getKey())));
    }

    /** {@code archive_info} for a basename; empty when Perl would die. */
    static Map<String, Object> archiveInfo(String volid, ZoneId zone) {
      Map<String, Object> info = new HashMap<>();
      Matcher m = ARCHIVE.matcher(volid);
      if (!m.matches()) {
        return info;
      }
      String type = m.group(2);
      String extension = m.group(3);
      info.put("type", type);
      Matcher std =
          STD_NAMES
              .computeIfAbsent(
                  type + "/" + extension,
                  k ->
                      Pattern.compile(
                          "^(vzdump-"
                              + type
                              + "-([1-9][0-9]{2,8})-(\\d{4})_(\\d{2})_(\\d{2})-(\\d{2})_(\\d{2})_(\\d{2}))\\."
                              + Pattern.quote(extension)
                              + "$"))
              .matcher(volid);
      if (std.matches()) {
        info.put("vmid", Integer.parseInt(std.group(2)));
        info.put(
            "ctime",
            timelocal(
                Integer.parseInt(std.group(8)),
                Integer.parseInt(std.group(7)),
                Integer.parseInt(std.group(6)),
                Integer.parseInt(std.group(5)),
                Integer.parseInt(std.group(4)) - 1,
                Integer.parseInt(std.group(3)),
                zone));
        info.put("is_std_name", true);
      } else {
        info.put("is_std_name", false);
      }
      return info;
    }

    private static long timelocal(
        int sec, int min, int hour, int mday, int mon0, int year, ZoneId zone) {
      return LocalDateTime.of(year, mon0 + 1, mday, hour, min, sec).atZone(zone).toEpochSecond();
    }

    /** The fields of Perl's {@code localtime}: sec, min, hour, mday, mon (0-11), year-1900. */
    private static int[] localtime(long ctime, ZoneId zone) {
      ZonedDateTime d = Instant.ofEpochSecond(ctime).atZone(zone);
      return new int[] {
        d.getSecond(),
        d.getMinute(),
        d.getHour(),
        d.getDayOfMonth(),
        d.getMonthValue() - 1,
        d.getYear() - 1900
      };
    }

    /** strftime {@code %V} and {@code %G}: the ISO week belongs to the year of its Thursday. */
    private static int[] isoWeek(int mday, int mon0, int year1900) {
      LocalDate date = LocalDate.of(year1900 + 1900, mon0 + 1, mday);
      int dow = date.getDayOfWeek().getValue(); // Monday 1 .. Sunday 7
      LocalDate thursday = date.plusDays(DayOfWeek.THURSDAY.getValue() - dow);
      int week = (thursday.getDayOfYear() - 1) / 7 + 1;
      return new int[] {week, thursday.getYear()};
    }

    static void pruneMarkBackupGroup(
        List<Map<String, Object>> backupGroup, Map<String, Integer> keep, ZoneId zone) {
      boolean anyPositive = false;
      for (Map.Entry<String, Integer> e : keep.entrySet()) {
        if (!e.getKey().equals("keep-all") && e.getValue() > 0) {
          anyPositive = true;
        }
      }
      Integer keepAll = keep.get("keep-all");
      if ((keepAll != null && keepAll != 0) || !anyPositive) {
        for (Map<String, Object> pruneEntry : backupGroup) {
          Object mark = pruneEntry.get("mark");
          if (mark != null && !mark.equals("remove")) {
            continue;
          }
          pruneEntry.put("mark", "keep");
        }
        return;
      }
      // sort { $b->{ctime} <=> $a->{ctime} }: Perl's merge sort keeps equal ones in list order
      List<Map<String, Object>> pruneList = new ArrayList<>(backupGroup);
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < pruneList.size(); i++) {
        order.add(i);
      }
      order.sort(
          (x, y) -> {
            long cx = (Long) pruneList.get(x).get("ctime");
            long cy = (Long) pruneList.get(y).get("ctime");
            return cx != cy ? Long.compare(cy, cx) : Integer.compare(x, y);
          });
      List<Map<String, Object>> sortedList = new ArrayList<>();
      for (int i : order) {
        sortedList.add(pruneList.get(i));
      }

      pruneMark(sortedList, keep.get("keep-last"), ctime -> Long.toString(ctime));
      pruneMark(
          sortedList,
          keep.get("keep-hourly"),
          ctime -> {
            int[] lt = localtime(ctime, zone);
            return lt[2] + "/" + lt[3] + "/" + lt[4] + "/" + lt[5];
          });
      pruneMark(
          sortedList,
          keep.get("keep-daily"),
          ctime -> {
            int[] lt = localtime(ctime, zone);
            return lt[3] + "/" + lt[4] + "/" + lt[5];
          });
      pruneMark(
          sortedList,
          keep.get("keep-weekly"),
          ctime -> {
            int[] lt = localtime(ctime, zone);
            int[] iso = isoWeek(lt[3], lt[4], lt[5]);
            return iso[0] + "/" + iso[1];
          });
      pruneMark(
          sortedList,
          keep.get("keep-monthly"),
          ctime -> {
            int[] lt = localtime(ctime, zone);
            return lt[4] + "/" + lt[5];
          });
      pruneMark(sortedList, keep.get("keep-yearly"), ctime -> "" + localtime(ctime, zone)[5]);

      for (Map<String, Object> pruneEntry : sortedList) {
        pruneEntry.putIfAbsent("mark", "remove");
      }
    }

    /** {@code $prune_mark}. */
    private static void pruneMark(
        List<Map<String, Object>> pruneEntries, Integer keepCount, LongFunction<String> idFunc) {
      if (keepCount == null || keepCount == 0) {
        return;
      }
      Map<String, Boolean> alreadyIncluded = new HashMap<>();
      Map<String, Boolean> newlyIncluded = new LinkedHashMap<>();
      for (Map<String, Object> pruneEntry : pruneEntries) {
        Object mark = pruneEntry.get("mark");
        String id = idFunc.apply((Long) pruneEntry.get("ctime"));
        if ("keep".equals(mark)) {
          alreadyIncluded.put(id, true);
        }
      }
      for (Map<String, Object> pruneEntry : pruneEntries) {
        Object mark = pruneEntry.get("mark");
        String id = idFunc.apply((Long) pruneEntry.get("ctime"));
        if (mark != null || alreadyIncluded.containsKey(id)) {
          continue;
        }
        if (!newlyIncluded.containsKey(id)) {
          if (newlyIncluded.size() >= keepCount) {
            break;
          }
          newlyIncluded.put(id, true);
          pruneEntry.put("mark", "keep");
        } else {
          pruneEntry.put("mark", "remove");
        }
      }
    }
  }
}
