package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each route refuses a privsep token that lacks exactly the privilege it checks, with Proxmox's 403
 * text, before the schema is validated; lists are filtered instead.
 */
class RouteCheckTest {
  private static final String ROOT = "PVEAPIToken=root@pam!setup=root-secret";
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static ProxmoxSimulator sim;
  private static SimClient root;
  private static OkHttpClient http;
  private static String rootTask;

  @BeforeAll
  static void start() {
    sim =
        ProxmoxSimulator.start(
            SimTestSupport.fast().token("root@pam!setup", "root-secret").build());
    http = new OkHttpClient();
    root = new SimClient(sim, http, ROOT);
    rootTask = root.upid(root.post("/nodes/pve/lxc/9000/clone", "newid", "9500"));
    root.await(rootTask);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /**
   * A privsep=1 token (and its user) holding every privilege on {@code /} except {@code missing}.
   */
  static SimClient lacking(String... missing) {
    int n = SEQ.incrementAndGet();
    List<String> privs = new ArrayList<>(AccessControl.PRIVILEGES);
    privs.removeAll(List.of(missing));
    String role = "AllBut" + n;
    String user = "u" + n + "@pve";
    ok(root.post("/access/roles", "roleid", role, "privs", String.join(" ", privs)));
    ok(root.post("/access/users", "userid", user));
    SimClient.Reply t = ok(root.post("/access/users/" + user + "/token/tk", "privsep", "1"));
    String tokenId = t.data().get("full-tokenid").asText();
    ok(root.put("/access/acl", "path", "/", "roles", role, "users", user, "tokens", tokenId));
    return new SimClient(
        sim, http, "PVEAPIToken=" + tokenId + "=" + t.data().get("value").asText());
  }

  private static SimClient.Reply ok(SimClient.Reply r) {
    assertThat(r.code()).as(r.reason() + " " + r.body()).isEqualTo(200);
    return r;
  }

  /** One route: how to call it, the privileges taken away, and Proxmox's answer. */
  record Case(
      String name,
      String[] missing,
      java.util.function.Function<SimClient, SimClient.Reply> call,
      String text) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case c(
      String name,
      String missing,
      java.util.function.Function<SimClient, SimClient.Reply> call,
      String what) {
    return new Case(name, missing.split(" "), call, what);
  }

  static Stream<Case> cases() {
    String ct = "/nodes/pve/lxc/101";
    return Stream.of(
        c("node status", "Sys.Audit", s -> s.get("/nodes/pve/status"), "/nodes/pve, Sys.Audit"),
        c("config read", "VM.Audit", s -> s.get(ct + "/config"), "/vms/101, VM.Audit"),
        c("status read", "VM.Audit", s -> s.get(ct + "/status/current"), "/vms/101, VM.Audit"),
        c("start", "VM.PowerMgmt", s -> s.post(ct + "/status/start"), "/vms/101, VM.PowerMgmt"),
        c("stop", "VM.PowerMgmt", s -> s.post(ct + "/status/stop"), "/vms/101, VM.PowerMgmt"),
        c(
            "shutdown",
            "VM.PowerMgmt",
            s -> s.post(ct + "/status/shutdown"),
            "/vms/101, VM.PowerMgmt"),
        c("destroy", "VM.Allocate", s -> s.delete(ct), "/vms/101, VM.Allocate"),
        c("template", "VM.Allocate", s -> s.post(ct + "/template"), "/vms/101, VM.Allocate"),
        c(
            "config write, no VM.Config.* at all",
            "VM.Config.Disk VM.Config.CPU VM.Config.Memory VM.Config.Network VM.Config.Options",
            s -> s.put(ct + "/config", "cores", "2"),
            "/vms/101, VM.Config.Disk|VM.Config.CPU|VM.Config.Memory|VM.Config.Network|VM.Config.Options"),
        c(
            "config cores",
            "VM.Config.CPU",
            s -> s.put(ct + "/config", "cores", "2"),
            "/vms/101, VM.Config.CPU"),
        c(
            "config swap",
            "VM.Config.Memory",
            s -> s.put(ct + "/config", "swap", "0"),
            "/vms/101, VM.Config.Memory"),
        c(
            "config hostname",
            "VM.Config.Network",
            s -> s.put(ct + "/config", "hostname", "x"),
            "/vms/101, VM.Config.Network"),
        c(
            "config bridge",
            "SDN.Use",
            s -> s.put(ct + "/config", "net0", "name=eth0,bridge=vmbr0"),
            "/sdn/zones/localnetwork/vmbr0, SDN.Use"),
        c(
            "config description",
            "VM.Config.Options",
            s -> s.put(ct + "/config", "description", "x"),
            "/vms/101, VM.Config.Options"),
        c(
            "config delete of a CPU key",
            "VM.Config.CPU",
            s -> s.put(ct + "/config", "delete", "cpulimit"),
            "/vms/101, VM.Config.CPU"),
        c(
            "config features other than nesting",
            "Sys.PowerMgmt",
            s -> s.put(ct + "/config", "features", "keyctl=1"),
            "changing feature flags (except nesting) is only allowed for root@pam"),
        c(
            "resize without Disk",
            "VM.Config.Disk",
            s -> s.put(ct + "/resize", "disk", "rootfs", "size", "+1G"),
            "/vms/101, VM.Config.Disk"),
        c(
            "resize without Options",
            "VM.Config.Options",
            s -> s.put(ct + "/resize", "disk", "rootfs", "size", "+1G"),
            "/vms/101, VM.Config.Options"),
        c(
            "resize without space on the volume's storage",
            "Datastore.AllocateSpace",
            s -> s.put(ct + "/resize", "disk", "rootfs", "size", "+1G"),
            "/storage/clients-backup, Datastore.AllocateSpace"),
        c(
            "clone without VM.Clone",
            "VM.Clone",
            s -> s.post("/nodes/pve/lxc/9000/clone", "newid", "9600"),
            "/vms/9000, VM.Clone"),
        c(
            "clone without VM.Allocate",
            "VM.Allocate",
            s -> s.post("/nodes/pve/lxc/9000/clone", "newid", "9600", "pool", "ClientPods"),
            null),
        c(
            "clone without space",
            "Datastore.AllocateSpace",
            s ->
                s.post(
                    "/nodes/pve/lxc/9000/clone",
                    "newid",
                    "9600",
                    "full",
                    "1",
                    "storage",
                    "clients-main"),
            "/storage/clients-main, Datastore.AllocateSpace"),
        c(
            "clone without the bridge",
            "SDN.Use",
            s -> s.post("/nodes/pve/lxc/9000/clone", "newid", "9600"),
            "/sdn/zones/localnetwork/vmbr0, SDN.Use"),
        c(
            "create without VM.Allocate",
            "VM.Allocate",
            s -> s.post("/nodes/pve/lxc", "vmid", "9601", "ostemplate", "local:vztmpl/x.tar.zst"),
            null),
        c(
            "create without space",
            "Datastore.AllocateSpace",
            s ->
                s.post(
                    "/nodes/pve/lxc",
                    "vmid",
                    "9601",
                    "ostemplate",
                    "local:vztmpl/x.tar.zst",
                    "storage",
                    "clients-main"),
            "/storage/clients-main, Datastore.AllocateSpace"),
        c(
            "snapshot",
            "VM.Snapshot",
            s -> s.post(ct + "/snapshot", "snapname", "s1"),
            "/vms/101, VM.Snapshot"),
        c(
            "rollback",
            "VM.Snapshot VM.Snapshot.Rollback",
            s -> s.post(ct + "/snapshot/s1/rollback"),
            "/vms/101, VM.Snapshot|VM.Snapshot.Rollback"),
        c(
            "vzdump without space on the backup storage",
            "Datastore.AllocateSpace",
            s -> s.post("/nodes/pve/vzdump", "vmid", "101", "storage", "vzdump-backups"),
            "/storage/vzdump-backups, Datastore.AllocateSpace"),
        c(
            "storage status",
            "Datastore.Audit Datastore.AllocateSpace",
            s -> s.get("/nodes/pve/storage/local/status"),
            "/storage/local, Datastore.Audit|Datastore.AllocateSpace"),
        c(
            "pool create",
            "Pool.Allocate",
            s -> s.post("/pools", "poolid", "P1"),
            "/pool/P1, Pool.Allocate"),
        c(
            "pool member add",
            "VM.Allocate",
            s -> s.put("/pools", "poolid", "ClientPods", "vms", "101"),
            "/vms/101, VM.Allocate"),
        c(
            "pool read",
            "Pool.Audit",
            s -> s.get("/pools/ClientPods"),
            "/pool/ClientPods, Pool.Audit"),
        c(
            "another's task",
            "Sys.Audit",
            s -> s.get("/nodes/pve/tasks/" + rootTask + "/status"),
            "/nodes/pve, Sys.Audit"),
        c(
            "role create",
            "Sys.Modify",
            s -> s.post("/access/roles", "roleid", "X"),
            "/access, Sys.Modify"),
        c(
            "acl change",
            "Permissions.Modify",
            s -> s.put("/access/acl", "path", "/vms/101", "roles", "NoAccess", "users", "root@pam"),
            "/vms/101, Permissions.Modify"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesWithProxmoxText_aTokenLackingExactlyThatPrivilege(Case c) {
    SimClient.Reply r = c.call().apply(lacking(c.missing()));
    String message =
        c.text() == null ? "Permission check failed" : "Permission check failed (" + c.text() + ")";
    assertThat(r.code()).as(r.body()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo(message);
    assertThat(r.json().get("message").asText()).isEqualTo(message + "\n");
    assertThat(r.data().isNull()).isTrue();
  }

  @Test
  void theSameCall_passesTheCheck_withThatPrivilege() {
    SimClient.Reply r = lacking("Sys.Modify").get("/nodes/pve/status");
    assertThat(r.code()).isEqualTo(200);
  }

  @Test
  void permissionIsChecked_beforeTheSchema() {
    assertThat(lacking("VM.Config.CPU").put("/nodes/pve/lxc/101/config", "cores", "many").code())
        .isEqualTo(403);
    assertThat(lacking("Sys.Modify").put("/nodes/pve/lxc/101/config", "cores", "many").code())
        .isEqualTo(400);
  }

  @Test
  void everyRoute_declaresItsCheck() {
    ClusterState state = new ClusterState(SimTestSupport.fast().build());
    try {
      ApiRoutes routes =
          new ApiRoutes(state, new Views(state, "AA"), new GuestOps(state), new AccessControl());
      assertThat(routes.router.undeclared()).isEmpty();
    } finally {
      state.shutdown();
    }
  }

  @Test
  void vzdump_withoutVmBackup_isAcceptedAndFailsInsideTheTask() {
    SimClient s = lacking("VM.Backup");
    String upid = s.upid(s.post("/nodes/pve/vzdump", "vmid", "102", "storage", "vzdump-backups"));
    assertThat(s.await(upid).get("exitstatus").asText())
        .isEqualTo("Permission check failed (/vms/102, VM.Backup)");
    assertThat(root.get("/nodes/pve/storage/vzdump-backups/content").data()).isEmpty();
  }

  @Test
  void lists_areFilteredNotRefused() {
    SimClient s = lacking("VM.Audit", "Datastore.Audit", "Pool.Audit");
    SimClient.Reply r = s.get("/cluster/resources");
    assertThat(r.code()).isEqualTo(200);
    List<String> types = new ArrayList<>();
    r.data().forEach(e -> types.add(e.get("type").asText()));
    assertThat(types).doesNotContain("lxc", "qemu", "storage", "pool").contains("node");
    assertThat(s.get("/nodes/pve/lxc").data()).isEmpty();
    assertThat(s.get("/pools").data()).isEmpty();
    assertThat(s.get("/pools?poolid=ClientPods").data()).hasSize(1);
  }

  @Test
  void nodes_showNoStats_withoutSysAudit() {
    SimClient.Reply r = lacking("Sys.Audit").get("/cluster/resources?type=node");
    assertThat(r.data().get(0).has("maxmem")).isFalse();
    assertThat(
            lacking("Sys.Modify").get("/cluster/resources?type=node").data().get(0).has("maxmem"))
        .isTrue();
  }

  @Test
  void aNewToken_isSeenInTheAccessApi() {
    lacking("Sys.Modify");
    int n = SEQ.get();
    SimClient.Reply t = root.get("/access/users/u" + n + "@pve/token/tk");
    assertThat(t.data().get("privsep").asInt()).isEqualTo(1);
    SimClient.Reply acl = root.get("/access/acl");
    List<String> ugids = new ArrayList<>();
    acl.data().forEach(e -> ugids.add(e.get("type").asText() + ":" + e.get("ugid").asText()));
    assertThat(ugids).contains("user:u" + n + "@pve", "token:u" + n + "@pve!tk");
    SimClient.Reply perms = root.get("/access/permissions?userid=u" + n + "@pve!tk&path=/vms/101");
    assertThat(perms.data().get("/vms/101").has("VM.Allocate")).isTrue();
    assertThat(perms.data().get("/vms/101").has("Sys.Modify")).isFalse();
  }

  @Test
  void simControls_takeOnlyTheStartTokens() {
    assertThat(lacking("Sys.Modify").sim("GET", "/_sim/state", null).code()).isEqualTo(403);
    assertThat(root.sim("GET", "/_sim/state", null).code()).isEqualTo(200);
  }

  @Test
  void badAclInput_isRefusedWithTheFieldNamed() {
    SimClient.Reply r =
        root.put("/access/acl", "path", "/nowhere", "roles", "NoAccess", "users", "root@pam");
    assertThat(r.code()).isEqualTo(400);
    assertThat(r.json().get("errors").get("path").asText()).contains("invalid ACL path");
    assertThat(
            root.put("/access/acl", "path", "/vms/101", "roles", "NoSuchRole", "users", "root@pam")
                .reason())
        .isEqualTo("role 'NoSuchRole' does not exist");
  }
}
