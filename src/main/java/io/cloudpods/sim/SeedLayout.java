package io.cloudpods.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The initial cluster. Node {@code pve} carries the seed spec's storages, pools, template CT 9000
 * and the infrastructure guests. Extra nodes {@code pve-02}, {@code pve-03}, ... get their own
 * {@code local} and {@code clients-main} (same storage ids, node-local data, like {@code local-zfs}
 * on a real cluster) and their own template CT {@code 8900 + n} (8902 on pve-02, ...), below the
 * client range 9001+.
 */
final class SeedLayout {
  static final long GIB = 1L << 30;
  static final long TIB = 1L << 40;
  static final List<String> CT_TEMPLATES =
      List.of(
          "vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
          "vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst");

  private SeedLayout() {}

  static String nodeName(int index) {
    return index == 1 ? "pve" : String.format("pve-%02d", index);
  }

  static int templateVmid(int index) {
    return index == 1 ? 9000 : 8900 + index;
  }

  static void populate(ClusterState s) {
    long now = s.now();
    SimulatorOptions o = s.options;
    for (int i = 1; i <= o.nodes(); i++) {
      String name = nodeName(i);
      long boot = now - (3L * 86400 + 4 * 3600 + i * 977L) * 1000;
      SimNode n =
          new SimNode(
              name,
              32,
              o.nodeMemoryBytes(),
              6 * GIB,
              100 * GIB,
              boot,
              0x1000 + s.randomInt(0x20000));
      s.nodes.put(name, n);
      SimStorage local =
          new SimStorage(
              "local", name, "dir", List.of("vztmpl", "iso"), "/var/lib/vz", 100 * GIB, null);
      local.templates.addAll(CT_TEMPLATES);
      n.storages.put(local.id, local);
      n.storages.put(
          "clients-main",
          new SimStorage(
              "clients-main",
              name,
              "zfspool",
              List.of("rootdir", "images"),
              null,
              o.clientStorageBytes(),
              null));
      // a dir storage with no 'nodes' list: every node has one, each its own directory, so a
      // guest's backup lands on its own node (the seed's cloudpod-backup.sh, keep-last=7)
      n.storages.put(
          "vzdump-backups",
          new SimStorage(
              "vzdump-backups",
              name,
              "dir",
              List.of("backup"),
              "/mnt/vzdump-backups",
              4 * TIB,
              "keep-last=7"));
      if (i == 1) {
        n.storages.put(
            "clients-backup",
            new SimStorage(
                "clients-backup",
                name,
                "zfspool",
                List.of("rootdir", "images"),
                null,
                2 * TIB,
                null));
        n.storages.put(
            "t7-backup",
            new SimStorage(
                "t7-backup", name, "dir", List.of("backup"), "/mnt/t7-backup", 2 * TIB, null));
        SimStorage iso =
            new SimStorage(
                "iso-store",
                name,
                "dir",
                List.of("iso", "vztmpl"),
                "/mnt/iso-store",
                500 * GIB,
                null);
        iso.templates.addAll(CT_TEMPLATES);
        n.storages.put(iso.id, iso);
      }
    }
    s.pools.put("ClientPods", new Pool("ClientPods", "CloudPods tenant containers"));
    s.pools.put(
        "MigraTeck_Production",
        new Pool("MigraTeck_Production", "Infrastructure - never touched by CloudPods"));
    if (o.scenario() == Scenario.EMPTY) {
      return;
    }
    for (int i = 1; i <= o.nodes(); i++) {
      addTemplate(s, nodeName(i), templateVmid(i));
    }
    String pve = nodeName(1);
    addInfraCt(s, pve, 101, "mail-core", 4, 8192, 64, now);
    addInfraCt(s, pve, 102, "dns-core", 2, 2048, 16, now);
    addInfraCt(s, pve, 103, "mpanel-core", 4, 8192, 32, now);
    addInfraVm(s, pve, 104, "db-core", 8, 16384, 200, now);
  }

  private static void addTemplate(ClusterState s, String node, int vmid) {
    SimStorage st = s.nodes.get(node).storages.get("clients-main");
    String vol = "basevol-" + vmid + "-disk-0";
    st.volumes.put(vol, new SimStorage.Volume(vol, 8 * GIB, vmid, "rootdir", "subvol"));
    Guest g = new Guest(vmid, node, "lxc");
    Map<String, String> c = new LinkedHashMap<>();
    c.put("arch", "amd64");
    c.put("cores", "2");
    c.put("description", "CloudPods base template (Debian 12)");
    c.put("features", "nesting=1");
    c.put("hostname", "cloudpod-template");
    c.put("memory", "2048");
    c.put("net0", "name=eth0,bridge=vmbr0,firewall=1,hwaddr=" + s.newMac() + ",ip=dhcp,type=veth");
    c.put("ostype", "debian");
    c.put("rootfs", "clients-main:" + vol + ",size=8G");
    c.put("swap", "512");
    c.put("template", "1");
    c.put("unprivileged", "1");
    g.config = c;
    s.addGuest(g);
    g.pool = "ClientPods";
    s.pools.get("ClientPods").vms.add(vmid);
    g.sample(Long.MIN_VALUE / 2);
  }

  private static void addInfraCt(
      ClusterState s,
      String node,
      int vmid,
      String name,
      int cores,
      int memMb,
      int diskGb,
      long now) {
    SimStorage st = s.nodes.get(node).storages.get("clients-backup");
    String vol = "subvol-" + vmid + "-disk-0";
    st.volumes.put(vol, new SimStorage.Volume(vol, diskGb * GIB, vmid, "rootdir", "subvol"));
    Guest g = new Guest(vmid, node, "lxc");
    Map<String, String> c = new LinkedHashMap<>();
    c.put("arch", "amd64");
    c.put("cores", Integer.toString(cores));
    c.put("hostname", name);
    c.put("memory", Integer.toString(memMb));
    c.put(
        "net0",
        "name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr="
            + s.newMac()
            + ",ip=10.1.10."
            + (vmid - 90)
            + "/24,type=veth");
    c.put("onboot", "1");
    c.put("ostype", "debian");
    c.put("rootfs", "clients-backup:" + vol + ",size=" + diskGb + "G");
    c.put("swap", "512");
    c.put("tags", "infra;production");
    c.put("unprivileged", "1");
    g.config = c;
    infra(s, g, now);
  }

  private static void addInfraVm(
      ClusterState s,
      String node,
      int vmid,
      String name,
      int cores,
      int memMb,
      int diskGb,
      long now) {
    SimStorage st = s.nodes.get(node).storages.get("clients-backup");
    String vol = "vm-" + vmid + "-disk-0";
    st.volumes.put(vol, new SimStorage.Volume(vol, diskGb * GIB, vmid, "images", "raw"));
    Guest g = new Guest(vmid, node, "qemu");
    Map<String, String> c = new LinkedHashMap<>();
    c.put("cores", Integer.toString(cores));
    c.put("memory", Integer.toString(memMb));
    c.put("name", name);
    c.put("scsi0", "clients-backup:" + vol + ",size=" + diskGb + "G");
    c.put("tags", "infra;production");
    g.config = c;
    infra(s, g, now);
  }

  private static void infra(ClusterState s, Guest g, long now) {
    s.addGuest(g);
    g.status = "running";
    g.startedAtMillis = now - 2L * 86400 * 1000 - g.vmid * 1000L;
    g.pool = "MigraTeck_Production";
    s.pools.get("MigraTeck_Production").vms.add(g.vmid);
    g.sample(Long.MIN_VALUE / 2);
  }
}
