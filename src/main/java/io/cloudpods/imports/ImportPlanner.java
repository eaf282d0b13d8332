package io.cloudpods.imports;

import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.cloudpod.plan.NetConfig;
import io.cloudpods.cloudpod.plan.Ownership;
import io.cloudpods.imports.ImportPlan.Decision;
import io.cloudpods.imports.ImportPlan.Reserve;
import io.cloudpods.imports.ImportPlan.Size;
import io.cloudpods.imports.ImportPlan.TenantToCreate;
import io.cloudpods.imports.ImportPlan.Verdict;
import io.cloudpods.ipam.AddressRules;
import io.cloudpods.store.Ipv4;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The import decision, pure: the IPAM file, the folded log and the cluster's guests (all nodes) in,
 * one decision per container out. A container is adopted only when everything the scripts recorded
 * agrees with what Proxmox shows; infrastructure, templates and our own containers are skipped
 * before anything else is looked at, and every doubt is a conflict that writes nothing.
 */
public final class ImportPlanner {

  private static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  /** Label on the tenants the import creates: their quota was derived from their pods' sums. */
  public static final String DERIVED_LABEL = "cloudpods-import";

  /** The value of {@link #DERIVED_LABEL}. */
  public static final String DERIVED_VALUE = "quota-derived";

  /**
   * What the cluster's rules are.
   *
   * @param infraPool the infrastructure pool ({@code MigraTeck_Production}); its guests are never
   *     adopted
   */
  public record Rules(
      int infraVmidStart,
      int infraVmidEnd,
      String infraPool,
      int defaultCores,
      int defaultMemoryMb,
      int defaultSwapMb,
      int defaultDiskGb) {

    public static Rules seed() {
      return new Rules(100, 499, "MigraTeck_Production", 2, 2048, 512, 8);
    }
  }

  /** A CloudPod already stored (a re-run finds the pods of the first run). */
  public record StoredPod(String tenant, String name, Integer vmid, String ip) {}

  /**
   * Everything the planner reads.
   *
   * @param pools the IpPools an adopted address may come from, by name (only the pool asked for,
   *     when the import names one)
   * @param tenants the tenants that exist
   * @param tenantDefault the tenant of pods the log gives no tenant for (the scripts log {@code
   *     unknown}); empty: those are conflicts
   */
  public record Input(
      IpamFile.Contents ipam,
      Map<Integer, LogPod> log,
      List<ClusterGuest> guests,
      Map<String, IpPoolSpec> pools,
      Set<String> tenants,
      List<StoredPod> pods,
      Optional<String> tenantDefault,
      Rules rules) {}

  private ImportPlanner() {}

  public static boolean validName(String s) {
    return s != null && s.length() <= 63 && NAME.matcher(s).matches();
  }

  public static ImportPlan plan(Input in) {
    Map<String, Long> ipamLine = new HashMap<>();
    in.ipam().entries().forEach(e -> ipamLine.put(e.ip(), e.line()));
    // addresses configured in a net0 (static), by guest
    Map<String, Integer> configured = new HashMap<>();
    Map<Integer, ClusterGuest> byVmid = new TreeMap<>();
    for (ClusterGuest g : in.guests()) {
      byVmid.put(g.vmid(), g);
      if (g.net0() != null) {
        NetConfig.ipv4(g.net0()).ifPresent(ip -> configured.putIfAbsent(ip, g.vmid()));
      }
    }
    List<Decision> out = new ArrayList<>();
    for (ClusterGuest g : byVmid.values()) {
      LogPod lp = in.log().get(g.vmid());
      Decision d = decide(g, lp, in, configured, ipamLine);
      if (d.ip() == null && lp != null && lp.ip() != null) {
        // a container the scripts made has its address only inside the guest: the log's
        d =
            new Decision(
                d.vmid(),
                d.node(),
                d.hostname(),
                lp.ip(),
                d.verdict(),
                d.reason(),
                d.tenant(),
                d.name(),
                d.ipPool(),
                d.size(),
                d.notes());
      }
      out.add(d);
    }
    for (LogPod lp : in.log().values()) {
      if (!byVmid.containsKey(lp.vmid())) {
        out.add(gone(lp));
      }
    }
    out = sameAddressTwice(out);
    out.sort(java.util.Comparator.comparingInt(Decision::vmid));

    List<String> notes = new ArrayList<>();
    Map<String, int[]> sums = new TreeMap<>();
    Map<String, java.util.TreeSet<String>> tenantPools = new TreeMap<>();
    for (Decision d : out) {
      if (d.verdict() == Verdict.ADOPT && !in.tenants().contains(d.tenant())) {
        tenantPools.computeIfAbsent(d.tenant(), t -> new java.util.TreeSet<>()).add(d.ipPool());
        int[] s = sums.computeIfAbsent(d.tenant(), t -> new int[4]);
        s[0] += 1;
        s[1] += d.size().cores();
        s[2] += d.size().memoryMb() + d.size().swapMb();
        s[3] += d.size().diskGb();
      }
    }
    List<TenantToCreate> tenants = new ArrayList<>();
    sums.forEach(
        (t, s) ->
            tenants.add(
                new TenantToCreate(
                    t, s[0], s[1], s[2], s[3], new ArrayList<>(tenantPools.get(t)))));
    return new ImportPlan(out, tenants, reservations(in, out), notes);
  }

  private static Decision decide(
      ClusterGuest g,
      LogPod lp,
      Input in,
      Map<String, Integer> configured,
      Map<String, Long> ipamLine) {
    Rules r = in.rules();
    String host = g.hostname();
    if (g.template()) {
      return skip(g, "template");
    }
    if (r.infraPool().equals(g.pool())) {
      return skip(g, "infrastructure: pool " + r.infraPool());
    }
    if (g.vmid() >= r.infraVmidStart() && g.vmid() <= r.infraVmidEnd()) {
      return skip(g, "infrastructure: VMID in " + r.infraVmidStart() + "-" + r.infraVmidEnd());
    }
    if (!"lxc".equals(g.type())) {
      return skip(g, "a " + g.type() + " guest, not a container");
    }
    if (Ownership.managed(g.tags())) {
      return skip(g, "already ours: carries the CloudPods marker");
    }
    if (lp == null) {
      return skip(g, "not in the seed log: not made by the scripts, left alone");
    }
    if (lp.state() == LogPod.State.DESTROYED) {
      return conflict(
          g, "the log says destroyed (line " + lp.line() + "), but the container exists");
    }
    if (lp.state() == LogPod.State.DESTROYING) {
      return conflict(g, "a destroy was requested (line " + lp.line() + ") and never finished");
    }
    if (g.node() == null || g.node().isBlank()) {
      return conflict(g, "container on no node");
    }
    if (lp.hostname() != null && host != null && !lp.hostname().equals(host)) {
      return conflict(
          g,
          "hostname: the log says '"
              + lp.hostname()
              + "' (line "
              + lp.line()
              + "), the container has '"
              + host
              + "'");
    }
    String name = host != null ? host : lp.hostname();
    if (!validName(name)) {
      return conflict(
          g,
          "hostname '"
              + name
              + "' is not a valid object name (RFC 1123 label: a-z, 0-9 and '-', at most 63)");
    }
    String tenant = lp.tenant();
    List<String> notes = new ArrayList<>();
    if (tenant == null || tenant.isBlank() || tenant.equals("unknown")) {
      if (in.tenantDefault().isEmpty()) {
        return conflict(
            g, "tenant unknown: the log names none (give --tenant-default to choose one)");
      }
      tenant = in.tenantDefault().get();
      notes.add("tenant from --tenant-default (the log names none)");
    } else if (!validName(tenant)) {
      String lower = tenant.toLowerCase(Locale.ROOT);
      if (!validName(lower)) {
        return conflict(g, "tenant '" + tenant + "' is not a valid tenant name");
      }
      notes.add("tenant '" + tenant + "' of the log is named '" + lower + "'");
      tenant = lower;
    }
    if (!validName(tenant)) {
      return conflict(g, "tenant '" + tenant + "' is not a valid tenant name");
    }
    String net0 = g.net0() == null ? "" : g.net0();
    String netIp = NetConfig.parse(net0).get("ip");
    Optional<String> staticIp = NetConfig.ipv4(net0);
    if (netIp == null || netIp.equals("dhcp")) {
      return conflict(
          g,
          "net0 has "
              + (netIp == null ? "no address" : "ip=dhcp")
              + "; the scripts set ip=manual and the address cannot be verified");
    }
    String ip = lp.ip() != null ? lp.ip() : staticIp.orElse(null);
    if (ip == null) {
      return conflict(g, "no address: neither the log nor net0 names one");
    }
    if (staticIp.isPresent() && !staticIp.get().equals(ip)) {
      return conflict(g, "address: the log says " + ip + ", net0 has " + staticIp.get());
    }
    Integer holder = configured.get(ip);
    if (holder != null && holder != g.vmid()) {
      return conflict(
          g,
          "address "
              + ip
              + (ipamLine.containsKey(ip) ? " (IPAM file line " + ipamLine.get(ip) + ")" : "")
              + " is configured on guest "
              + holder);
    }
    if (!ipamLine.containsKey(ip)) {
      notes.add("address " + ip + " is not in the IPAM file (the log names it)");
    }
    for (StoredPod p : in.pods()) {
      boolean sameName = p.name().equals(name);
      boolean sameVmid = p.vmid() != null && p.vmid() == g.vmid();
      if (sameName && p.tenant().equals(tenant) && sameVmid) {
        notes.add("already imported: CloudPod " + tenant + "/" + name + " exists");
        continue;
      }
      if (sameName || sameVmid) {
        return conflict(
            g,
            "CloudPod "
                + p.tenant()
                + "/"
                + p.name()
                + (sameVmid ? " holds VMID " + g.vmid() : " exists with another VMID"));
      }
    }
    String pool = null;
    String problem = "no IpPool is known";
    for (Map.Entry<String, IpPoolSpec> e : new TreeMap<>(in.pools()).entrySet()) {
      IpPoolSpec s = e.getValue();
      if (s.cidr() == null || !Ipv4.inCidr(ip, s.cidr())) {
        problem = ip + " is in no IpPool's network";
        continue;
      }
      String p = AddressRules.problem(ip, e.getKey(), s);
      if (p == null) {
        pool = e.getKey();
        break;
      }
      problem = p;
    }
    if (pool == null) {
      return conflict(g, "address: " + problem);
    }
    int cores = first(g.cores(), lp.cores(), r.defaultCores());
    int memory = first(g.memoryMb(), lp.memoryMb(), r.defaultMemoryMb());
    int swap = first(g.swapMb(), null, r.defaultSwapMb());
    int disk = first(g.diskGb(), null, r.defaultDiskGb());
    handEdited(notes, "cores", lp.cores(), g.cores(), lp.line());
    handEdited(notes, "memory_mb", lp.memoryMb(), g.memoryMb(), lp.line());
    if (lp.state() == LogPod.State.REQUESTED) {
      notes.add("the log has no success line for it (its create may not have finished)");
    }
    return new Decision(
        g.vmid(),
        g.node(),
        host,
        ip,
        Verdict.ADOPT,
        "adopt as CloudPod " + name + " of tenant " + tenant,
        tenant,
        name,
        pool,
        new Size(cores, memory, swap, disk),
        notes);
  }

  /** Two adoptions claiming one address: neither is safe. */
  private static List<Decision> sameAddressTwice(List<Decision> in) {
    Map<String, List<Integer>> byIp = new HashMap<>();
    for (Decision d : in) {
      boolean claims =
          d.verdict() == Verdict.ADOPT
              || d.verdict() == Verdict.CONFLICT && d.node() != null && d.ip() != null;
      if (claims) {
        byIp.computeIfAbsent(d.ip(), k -> new ArrayList<>()).add(d.vmid());
      }
    }
    List<Decision> out = new ArrayList<>();
    for (Decision d : in) {
      List<Integer> claim = d.verdict() == Verdict.ADOPT ? byIp.get(d.ip()) : List.of();
      if (claim.size() > 1) {
        out.add(
            new Decision(
                d.vmid(),
                d.node(),
                d.hostname(),
                d.ip(),
                Verdict.CONFLICT,
                "address " + d.ip() + " is claimed by containers " + claim,
                null,
                null,
                null,
                null,
                List.of()));
      } else {
        out.add(d);
      }
    }
    return out;
  }

  private static List<Reserve> reservations(Input in, List<Decision> decisions) {
    Set<String> taken = new HashSet<>();
    decisions.stream().filter(d -> d.verdict() == Verdict.ADOPT).forEach(d -> taken.add(d.ip()));
    in.pods().forEach(p -> taken.add(p.ip()));
    Map<String, Decision> heldBy = new HashMap<>();
    decisions.stream()
        .filter(d -> d.verdict() != Verdict.ADOPT && d.ip() != null && d.node() != null)
        .forEach(d -> heldBy.putIfAbsent(d.ip(), d));
    Map<String, Reserve> out = new LinkedHashMap<>();
    for (IpamFile.Entry e : in.ipam().entries()) {
      if (taken.contains(e.ip())) {
        continue;
      }
      Decision holder = heldBy.get(e.ip());
      String why =
          holder == null
              ? "in the IPAM file (line " + e.line() + "), no container uses it"
              : "in the IPAM file (line "
                  + e.line()
                  + "), used by CT "
                  + holder.vmid()
                  + ", which is not adopted";
      String pool = null;
      String outside = "in no IpPool's range; nothing to reserve";
      for (Map.Entry<String, IpPoolSpec> p : new TreeMap<>(in.pools()).entrySet()) {
        IpPoolSpec s = p.getValue();
        if (s.cidr() == null || !Ipv4.inCidr(e.ip(), s.cidr())) {
          continue;
        }
        long a = Ipv4.parse(e.ip());
        if (a < Ipv4.parse(s.rangeStart()) || a > Ipv4.parse(s.rangeEnd())) {
          continue;
        }
        if (s.reserved() != null && s.reserved().contains(e.ip())) {
          outside = "already reserved in pool " + p.getKey();
          pool = null;
          break;
        }
        pool = p.getKey();
        break;
      }
      out.put(e.ip(), new Reserve(e.ip(), pool, pool == null ? why + "; " + outside : why));
    }
    return new ArrayList<>(out.values());
  }

  private static Decision gone(LogPod lp) {
    if (lp.alive()) {
      return new Decision(
          lp.vmid(),
          null,
          lp.hostname(),
          lp.ip(),
          Verdict.CONFLICT,
          "container on no node: the log says "
              + (lp.state() == LogPod.State.CREATED ? "created" : "create requested")
              + " (line "
              + lp.line()
              + "), but no node has CT "
              + lp.vmid(),
          null,
          null,
          null,
          null,
          List.of());
    }
    return new Decision(
        lp.vmid(),
        null,
        lp.hostname(),
        lp.ip(),
        Verdict.SKIP,
        "destroyed (log line " + lp.line() + "); the container is gone",
        null,
        null,
        null,
        null,
        List.of());
  }

  private static void handEdited(
      List<String> notes, String field, Integer logged, Integer actual, long line) {
    if (logged != null && actual != null && !logged.equals(actual)) {
      notes.add(
          "hand-edited: "
              + field
              + " "
              + logged
              + " in the log (line "
              + line
              + "), "
              + actual
              + " on the container; the pod keeps "
              + actual);
    }
  }

  private static int first(Integer a, Integer b, int fallback) {
    return a != null ? a : b != null ? b : fallback;
  }

  private static Decision skip(ClusterGuest g, String reason) {
    return new Decision(
        g.vmid(),
        g.node(),
        g.hostname(),
        staticIp(g),
        Verdict.SKIP,
        reason,
        null,
        null,
        null,
        null,
        List.of());
  }

  private static Decision conflict(ClusterGuest g, String reason) {
    return new Decision(
        g.vmid(),
        g.node(),
        g.hostname(),
        staticIp(g),
        Verdict.CONFLICT,
        reason,
        null,
        null,
        null,
        null,
        List.of());
  }

  private static String staticIp(ClusterGuest g) {
    return g.net0() == null ? null : NetConfig.ipv4(g.net0()).orElse(null);
  }
}
