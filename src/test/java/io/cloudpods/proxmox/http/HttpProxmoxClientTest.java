package io.cloudpods.proxmox.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.proxmox.CloneRequest;
import io.cloudpods.proxmox.ClusterResource;
import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.CreateContainerRequest;
import io.cloudpods.proxmox.DeleteOptions;
import io.cloudpods.proxmox.LxcConfig;
import io.cloudpods.proxmox.LxcStatus;
import io.cloudpods.proxmox.NodeStatus;
import io.cloudpods.proxmox.Pool;
import io.cloudpods.proxmox.PowerState;
import io.cloudpods.proxmox.ProxmoxProtocolException;
import io.cloudpods.proxmox.ResourceType;
import io.cloudpods.proxmox.TaskStatus;
import io.cloudpods.proxmox.Upid;
import io.cloudpods.proxmox.VzdumpRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpProxmoxClientTest {

  private static final String UPID_CLONE =
      "UPID:pve:0001E240:016E6414:63AD7D74:vzclone:9000:ctl@pve!controller:";
  private static final String UPID_OTHER =
      "UPID:pve:0001E241:016E6414:63AD7D75:vzdestroy:9101:ctl@pve!controller:";

  private MockProxmox pve;
  private HttpProxmoxClient client;

  @BeforeEach
  void setUp() throws Exception {
    pve = new MockProxmox();
    client = pve.client();
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    pve.close();
  }

  // ---- request encoding -------------------------------------------------------------------------

  @Test
  void anyCall_sendsExactTokenHeaderAndAcceptJson() throws Exception {
    pve.data("{\"version\":\"8.2.4\",\"release\":\"8.2\",\"repoid\":\"faa83925c9641325\"}");

    client.version();

    RecordedRequest r = pve.take();
    assertThat(r.getHeader("Authorization"))
        .isEqualTo("PVEAPIToken=ctl@pve!controller=0b7e2f8c-1d3a-4c5b-9e6f-a1b2c3d4e5f6");
    assertThat(r.getHeader("Accept")).isEqualTo("application/json");
    assertThat(r.getHeader("CSRFPreventionToken")).isNull();
    assertThat(r.getMethod()).isEqualTo("GET");
    assertThat(r.getPath()).isEqualTo("/api2/json/version");
  }

  @Test
  void version_secondCall_servedFromCache() throws Exception {
    pve.data("{\"version\":\"7.4-16\",\"release\":\"7.4\",\"repoid\":\"0f39f621\"}");

    assertThat(client.version().atLeast(7, 4)).isTrue();
    assertThat(client.version().atLeast(8, 1)).isFalse();
    assertThat(pve.server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void createContainer_postsFormWithZeroOneBooleans() throws Exception {
    pve.data("\"UPID:pve:0001E242:016E6414:63AD7D76:vzcreate:9101:ctl@pve!controller:\"");

    Upid upid =
        client.createContainer(
            "pve",
            CreateContainerRequest.builder(
                    9101, "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst")
                .hostname("web-1")
                .cores(2)
                .memoryMb(2048)
                .swapMb(512)
                .rootfs("clients-main", 8)
                .net(0, "name=eth0,bridge=vmbr0,ip=10.1.10.91/24,gw=10.1.10.1")
                .unprivileged(true)
                .start(false)
                .tags(List.of("cloudpods", "uid-1"))
                .description("web server")
                .password("s3cr3t pass")
                .build());

    RecordedRequest r = pve.take();
    assertThat(upid.type()).isEqualTo("vzcreate");
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getPath()).isEqualTo("/api2/json/nodes/pve/lxc");
    assertThat(r.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
    String body = MockProxmox.body(r);
    assertThat(body)
        .startsWith(
            "vmid=9101&ostemplate=local%3Avztmpl%2Fdebian-12-standard_12.7-1_amd64.tar.zst&");
    assertThat(body)
        .contains(
            "&unprivileged=1&",
            "&start=0&",
            "&cores=2&",
            "&memory=2048&",
            "&rootfs=clients-main%3A8&",
            "&tags=cloudpods%3Buid-1&",
            "&description=web%20server&",
            "&net0=name%3Deth0%2Cbridge%3Dvmbr0%2Cip%3D10.1.10.91%2F24%2Cgw%3D10.1.10.1&");
    assertThat(body).doesNotContain("true", "false");
  }

  @Test
  void createContainerRequest_toString_hidesPassword() {
    CreateContainerRequest req =
        CreateContainerRequest.builder(9101, "local:vztmpl/x.tar.zst").password("hunter22").build();

    assertThat(req.toString()).doesNotContain("hunter22").contains("password=***");
  }

  @Test
  void cloneContainer_fullCloneToStorage_sendsFullOneWithStorage() throws Exception {
    pve.data("\"" + UPID_CLONE + "\"");

    Upid upid =
        client.cloneContainer(
            "pve",
            9000,
            CloneRequest.builder(9101)
                .hostname("web-1")
                .pool("ClientPods")
                .fullCloneTo("clients-main")
                .build());

    RecordedRequest r = pve.take();
    assertThat(r.getPath()).isEqualTo("/api2/json/nodes/pve/lxc/9000/clone");
    assertThat(MockProxmox.body(r))
        .isEqualTo("newid=9101&hostname=web-1&pool=ClientPods&full=1&storage=clients-main");
    assertThat(upid.id()).isEqualTo("9000");
  }

  @Test
  void cloneContainer_linkedClone_sendsFullZeroWithoutStorage() throws Exception {
    pve.data("\"" + UPID_CLONE + "\"");

    client.cloneContainer("pve", 9000, CloneRequest.builder(9102).full(false).build());

    assertThat(MockProxmox.body(pve.take())).isEqualTo("newid=9102&full=0");
  }

  @Test
  void cloneRequest_storageWithoutFullClone_rejectedBeforeAnyRequest() {
    assertThatThrownBy(() -> CloneRequest.builder(9101).storage("clients-main").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("full=true");
    assertThatThrownBy(() -> CloneRequest.builder(9101).storage("clients-main").full(false).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(pve.server.getRequestCount()).isZero();
  }

  @Test
  void delete_sendsOptionsInQueryAndNoBody() throws Exception {
    pve.data("\"" + UPID_OTHER + "\"");

    client.delete("pve", 9101, new DeleteOptions(true, false, true));

    RecordedRequest r = pve.take();
    assertThat(r.getMethod()).isEqualTo("DELETE");
    assertThat(r.getPath())
        .isEqualTo("/api2/json/nodes/pve/lxc/9101?purge=1&force=0&destroy-unreferenced-disks=1");
    assertThat(r.getBodySize()).isZero();
    assertThat(r.getHeader("Content-Type")).isNull();
    assertThat(r.getHeader("Content-Length")).isNull();
  }

  @Test
  void get_sendsParamsInQueryAndNoBody() throws Exception {
    pve.data("[]");

    client.storageContent("pve", "vzdump-backups", Optional.of("backup"), Optional.of(9101));

    RecordedRequest r = pve.take();
    assertThat(r.getPath())
        .isEqualTo("/api2/json/nodes/pve/storage/vzdump-backups/content?content=backup&vmid=9101");
    assertThat(r.getBodySize()).isZero();
    assertThat(r.getHeader("Content-Type")).isNull();
  }

  @Test
  void taskStatus_percentEncodesUpidPathSegment() throws Exception {
    pve.data(
        "{\"upid\":\""
            + UPID_CLONE
            + "\",\"node\":\"pve\",\"pid\":123456,\"pstart\":24011796,\"starttime\":1672314228,"
            + "\"type\":\"vzclone\",\"id\":\"9000\",\"user\":\"ctl@pve\",\"tokenid\":\"controller\",\"status\":\"running\"}");

    TaskStatus s = client.taskStatus(Upid.parse(UPID_CLONE));

    RecordedRequest r = pve.take();
    assertThat(r.getPath())
        .isEqualTo(
            "/api2/json/nodes/pve/tasks/UPID%3Apve%3A0001E240%3A016E6414%3A63AD7D74%3Avzclone%3A9000%3Actl%40pve%21controller%3A/status");
    assertThat(s.running()).isTrue();
    assertThat(s.exitStatus()).isEmpty();
    assertThat(s.id()).isEqualTo("9000");
    assertThat(s.tokenId()).contains("controller");
    assertThat(s.isOk()).isFalse();
  }

  @Test
  void taskStatus_stoppedWithWarnings_isOk() {
    pve.data(
        "{\"upid\":\""
            + UPID_CLONE
            + "\",\"node\":\"pve\",\"pid\":123456,\"pstart\":24011796,\"starttime\":1672314228,"
            + "\"type\":\"vzclone\",\"id\":\"9000\",\"user\":\"ctl@pve\",\"status\":\"stopped\",\"exitstatus\":\"WARNINGS: 2\"}");

    TaskStatus s = client.taskStatus(Upid.parse(UPID_CLONE));

    assertThat(s.isOk()).isTrue();
    assertThat(s.warningCount()).isEqualTo(2);
  }

  @Test
  void taskLog_sendsStartLimitAndReadsTotal() throws Exception {
    pve.raw(
        MockProxmox.json(
            200,
            "OK",
            "{\"data\":[{\"n\":1,\"t\":\"create full clone of mountpoint rootfs\"},{\"n\":2,\"t\":\"TASK OK\"}],\"total\":2}"));

    var log = client.taskLog(Upid.parse(UPID_CLONE), 0, 50);

    assertThat(pve.take().getPath()).endsWith("/log?start=0&limit=50");
    assertThat(log.total()).isEqualTo(2);
    assertThat(log.lines())
        .extracting(l -> l.text())
        .containsExactly("create full clone of mountpoint rootfs", "TASK OK");
  }

  @Test
  void updateConfig_putsSetDeleteAndDigest() throws Exception {
    pve.data("null");

    client.updateConfig(
        "pve",
        9101,
        new ConfigUpdate(
            Map.of("cores", "4"),
            List.of("nameserver", "searchdomain"),
            Optional.of("dde2150493d0d284c9280a8f58d1b4b0883be55e")));

    RecordedRequest r = pve.take();
    assertThat(r.getMethod()).isEqualTo("PUT");
    assertThat(r.getPath()).isEqualTo("/api2/json/nodes/pve/lxc/9101/config");
    assertThat(MockProxmox.body(r))
        .isEqualTo(
            "cores=4&delete=nameserver%2Csearchdomain&digest=dde2150493d0d284c9280a8f58d1b4b0883be55e");
  }

  @Test
  void configUpdate_sameKeySetAndDeleted_rejected() {
    assertThatThrownBy(
            () -> new ConfigUpdate(Map.of("cores", "4"), List.of("cores"), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConfigUpdate(Map.of(), List.of(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shutdown_sendsTimeoutAndForceStopAsOne() throws Exception {
    pve.data("\"UPID:pve:0001E243:016E6414:63AD7D77:vzshutdown:9101:ctl@pve!controller:\"");

    client.shutdown("pve", 9101, 30, true);

    RecordedRequest r = pve.take();
    assertThat(r.getPath()).isEqualTo("/api2/json/nodes/pve/lxc/9101/status/shutdown");
    assertThat(MockProxmox.body(r)).isEqualTo("timeout=30&forceStop=1");
  }

  @Test
  void start_postsEmptyForm() throws Exception {
    pve.data("\"UPID:pve:0001E244:016E6414:63AD7D78:vzstart:9101:ctl@pve!controller:\"");

    Upid upid = client.start("pve", 9101);

    RecordedRequest r = pve.take();
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getPath()).isEqualTo("/api2/json/nodes/pve/lxc/9101/status/start");
    assertThat(r.getBodySize()).isZero();
    assertThat(upid.type()).isEqualTo("vzstart");
  }

  @Test
  void convertToTemplate_nullData_returnsNormally() throws Exception {
    pve.data("null");

    client.convertToTemplate("pve", 9000);

    assertThat(pve.take().getPath()).isEqualTo("/api2/json/nodes/pve/lxc/9000/template");
  }

  @Test
  void resize_putsDiskAndSize() throws Exception {
    pve.data("\"UPID:pve:0001E245:016E6414:63AD7D79:resize:9101:ctl@pve!controller:\"");

    client.resize("pve", 9101, "rootfs", "+4G");

    RecordedRequest r = pve.take();
    assertThat(r.getMethod()).isEqualTo("PUT");
    assertThat(MockProxmox.body(r)).isEqualTo("disk=rootfs&size=%2B4G");
  }

  @Test
  void snapshots_rollbackWithoutStart_omitsStartAndDeleteUsesQuery() throws Exception {
    pve.data("\"UPID:pve:0001E246:016E6414:63AD7D7A:vzrollback:9101:ctl@pve!controller:\"");
    pve.data("\"UPID:pve:0001E247:016E6414:63AD7D7B:vzdelsnapshot:9101:ctl@pve!controller:\"");

    client.rollbackSnapshot("pve", 9101, "before-upgrade", false);
    client.deleteSnapshot("pve", 9101, "before-upgrade", true);

    RecordedRequest rollback = pve.take();
    assertThat(rollback.getPath())
        .isEqualTo("/api2/json/nodes/pve/lxc/9101/snapshot/before-upgrade/rollback");
    assertThat(rollback.getBodySize()).isZero();
    RecordedRequest delete = pve.take();
    assertThat(delete.getPath())
        .isEqualTo("/api2/json/nodes/pve/lxc/9101/snapshot/before-upgrade?force=1");
    assertThat(delete.getBodySize()).isZero();
  }

  @Test
  void listSnapshots_currentPseudoEntry_dropped() {
    pve.data(
        "[{\"name\":\"before-upgrade\",\"description\":\"pre\",\"snaptime\":1714557600},"
            + "{\"name\":\"current\",\"description\":\"You are here!\",\"digest\":\"abc\",\"running\":0,\"parent\":\"before-upgrade\"}]");

    var snaps = client.listSnapshots("pve", 9101);

    assertThat(snaps).extracting(s -> s.name()).containsExactly("before-upgrade");
    assertThat(snaps.get(0).snaptime()).hasValue(1714557600L);
  }

  // ---- response parsing across server versions --------------------------------------------------

  @Test
  void listContainers_pve7StringVmid_parses() {
    pve.data(
        "[{\"cpu\":0,\"cpus\":1,\"disk\":640397312,\"maxdisk\":8350298112,\"maxmem\":536870912,\"maxswap\":536870912,"
            + "\"mem\":34304000,\"name\":\"web-1\",\"pid\":248173,\"status\":\"running\",\"swap\":0,\"type\":\"lxc\",\"uptime\":919760,\"vmid\":\"9101\"},"
            + "{\"cpu\":0,\"cpus\":2,\"disk\":0,\"maxdisk\":8589934592,\"maxmem\":2147483648,\"maxswap\":536870912,\"mem\":0,"
            + "\"name\":\"cloudpod-template\",\"status\":\"stopped\",\"swap\":0,\"template\":1,\"type\":\"lxc\",\"uptime\":0,\"vmid\":\"9000\"}]");

    List<LxcStatus> list = client.listContainers("pve");

    assertThat(list).extracting(LxcStatus::vmid).containsExactly(9101, 9000);
    assertThat(list.get(0).isRunning()).isTrue();
    assertThat(list.get(0).template()).isFalse();
    assertThat(list.get(0).lock()).isEmpty();
    assertThat(list.get(1).template()).isTrue();
    assertThat(list.get(1).status()).isEqualTo(PowerState.STOPPED);
  }

  @Test
  void listContainers_pve82IntegerVmidAndUnknownFields_parses() {
    pve.data(
        "[{\"vmid\":9101,\"type\":\"lxc\",\"status\":\"stopped\",\"name\":\"CT9101\",\"lock\":\"create\",\"cpus\":2,"
            + "\"maxmem\":2147483648,\"pressurecpusome\":0.1,\"tags\":\"cloudpods;uid-1\"}]");

    LxcStatus s = client.listContainers("pve").get(0);

    assertThat(s.vmid()).isEqualTo(9101);
    assertThat(s.lock()).contains("create");
    assertThat(s.tags()).containsExactly("cloudpods", "uid-1");
    assertThat(s.maxMem()).isEqualTo(2147483648L);
  }

  @Test
  void status_templateWithHaObject_parses() {
    pve.data(
        "{\"cpu\":0,\"cpus\":2,\"disk\":0,\"ha\":{\"managed\":0},\"maxdisk\":8589934592,\"maxmem\":536870912,"
            + "\"maxswap\":536870912,\"mem\":0,\"name\":\"cloudpod-template\",\"status\":\"stopped\",\"swap\":0,\"template\":1,"
            + "\"tags\":\"tag1;tag2\",\"type\":\"lxc\",\"uptime\":0,\"vmid\":9000}");

    LxcStatus s = client.status("pve", 9000);

    assertThat(s.template()).isTrue();
    assertThat(s.haManaged()).isFalse();
    assertThat(s.tags()).containsExactly("tag1", "tag2");
  }

  @Test
  void getConfig_pve7SubvolRootfs_parsesTypedFields() {
    pve.data(
        "{\"hostname\":\"web-1\",\"digest\":\"dde2150493d0d284c9280a8f58d1b4b0883be55e\",\"swap\":512,"
            + "\"features\":\"nesting=1\",\"ostype\":\"debian\","
            + "\"net0\":\"name=eth0,bridge=vmbr0,firewall=1,gw=10.1.10.1,hwaddr=BC:24:11:5E:7A:01,ip=10.1.10.91/24,tag=20,type=veth\","
            + "\"unprivileged\":1,\"cores\":2,\"arch\":\"amd64\",\"rootfs\":\"clients-main:subvol-9101-disk-0,size=8G\",\"memory\":2048,"
            + "\"description\":\"web server\\n\",\"nameserver\":\"1.1.1.1 8.8.8.8\"}");

    LxcConfig c = client.getConfig("pve", 9101);

    assertThat(c.hostname()).contains("web-1");
    assertThat(c.cores()).hasValue(2);
    assertThat(c.memory()).hasValue(2048);
    assertThat(c.swap()).hasValue(512);
    assertThat(c.rootfs()).contains("clients-main:subvol-9101-disk-0,size=8G");
    assertThat(c.rootfsSize()).contains("8G");
    assertThat(c.nets()).containsOnlyKeys(0);
    assertThat(c.net(0))
        .containsEntry("ip", "10.1.10.91/24")
        .containsEntry("tag", "20")
        .containsEntry("name", "eth0");
    assertThat(c.unprivileged()).isTrue();
    assertThat(c.template()).isFalse();
    assertThat(c.lock()).isEmpty();
    assertThat(c.onboot()).isFalse();
    assertThat(c.features()).contains("nesting=1");
    assertThat(c.description()).contains("web server\n");
    assertThat(c.nameserver()).contains("1.1.1.1 8.8.8.8");
    assertThat(c.digest()).isEqualTo("dde2150493d0d284c9280a8f58d1b4b0883be55e");
    assertThat(c.get("ostype")).contains("debian");
    assertThat(c.get("memory")).contains("2048");
  }

  @Test
  void getConfig_rawLxcEntriesTagsAndOnboot_keptInRawMap() {
    pve.data(
        "{\"arch\":\"amd64\",\"cores\":2,\"digest\":\"5911baea29f4c0073fb063fd9ab29e75892832bf\",\"hostname\":\"test-container\","
            + "\"lxc\":[[\"lxc.cgroup2.devices.allow\",\"c 226:0 rwm\"]],\"memory\":4096,\"mp0\":\"/mnt/foo/bar,mp=/storage\","
            + "\"net1\":\"name=eth1,bridge=vmbr1,type=veth\",\"net0\":\"name=eth0,bridge=vmbr0,ip=dhcp,type=veth\",\"onboot\":1,"
            + "\"rootfs\":\"vmstore:subvol-101-disk-0,size=30G\",\"swap\":512,\"tags\":\"tag1;tag2\",\"template\":1}");

    LxcConfig c = client.getConfig("pve", 101);

    assertThat(c.tags()).containsExactly("tag1", "tag2");
    assertThat(c.onboot()).isTrue();
    assertThat(c.template()).isTrue();
    assertThat(c.nets().keySet()).containsExactly(0, 1);
    assertThat(c.get("lxc")).contains("[[\"lxc.cgroup2.devices.allow\",\"c 226:0 rwm\"]]");
    assertThat(c.get("mp0")).contains("/mnt/foo/bar,mp=/storage");
  }

  @Test
  void getConfig_duringCreate_onlyLockAndDigest() {
    pve.data("{\"digest\":\"0123456789abcdef0123456789abcdef01234567\",\"lock\":\"create\"}");

    LxcConfig c = client.getConfig("pve", 9101);

    assertThat(c.lock()).contains("create");
    assertThat(c.hostname()).isEmpty();
    assertThat(c.cores()).isEmpty();
    assertThat(c.tags()).isEmpty();
  }

  @Test
  void clusterResources_mixedEntries_unknownTypesIgnored() {
    pve.data(
        "[{\"netout\":545248946,\"type\":\"qemu\",\"name\":\"server1\",\"maxcpu\":1,\"mem\":842551296,\"maxmem\":1073741824,"
            + "\"node\":\"node2\",\"vmid\":100,\"status\":\"running\",\"template\":0,\"id\":\"qemu/100\",\"uptime\":874350},"
            + "{\"id\":\"lxc/9101\",\"vmid\":9101,\"node\":\"pve\",\"type\":\"lxc\",\"status\":\"running\",\"name\":\"web-1\",\"template\":0,"
            + "\"pool\":\"ClientPods\",\"tags\":\"cloudpods;web\",\"lock\":\"backup\"},"
            + "{\"id\":\"lxc/9102\",\"vmid\":9102,\"node\":\"pve\",\"type\":\"lxc\",\"status\":\"unknown\",\"lock\":\"create\"},"
            + "{\"maxdisk\":482713534464,\"cpu\":0.005,\"node\":\"pve\",\"maxmem\":16668827648,\"maxcpu\":4,\"type\":\"node\","
            + "\"id\":\"node/pve\",\"cgroup-mode\":2,\"status\":\"online\"},"
            + "{\"shared\":0,\"type\":\"storage\",\"status\":\"available\",\"plugintype\":\"zfspool\",\"id\":\"storage/pve/clients-main\","
            + "\"storage\":\"clients-main\",\"node\":\"pve\",\"disk\":98304,\"content\":\"rootdir,images\",\"maxdisk\":479730032640},"
            + "{\"id\":\"/pool/ClientPods\",\"pool\":\"ClientPods\",\"type\":\"pool\"},"
            + "{\"id\":\"network/pve/vmbr0\",\"type\":\"network\",\"network\":\"vmbr0\",\"node\":\"pve\"},"
            + "{\"id\":\"sdn/pve/localnetwork\",\"type\":\"sdn\",\"sdn\":\"localnetwork\",\"node\":\"pve\",\"status\":\"ok\"}]");

    List<ClusterResource> all = client.clusterResources();

    assertThat(all).hasSize(7);
    assertThat(all).noneMatch(r -> r.id().startsWith("network/"));
    ClusterResource.Guest web = (ClusterResource.Guest) all.get(1);
    assertThat(web.type()).isEqualTo(ClusterResource.GuestType.LXC);
    assertThat(web.pool()).contains("ClientPods");
    assertThat(web.lock()).contains("backup");
    assertThat(web.tags()).containsExactly("cloudpods", "web");
    ClusterResource.Guest fresh = (ClusterResource.Guest) all.get(2);
    assertThat(fresh.status()).isEqualTo(PowerState.UNKNOWN);
    assertThat(fresh.name()).isEmpty();
    ClusterResource.Storage storage = (ClusterResource.Storage) all.get(4);
    assertThat(storage.content()).containsExactlyInAnyOrder("rootdir", "images");
    assertThat(storage.shared()).isFalse();
    assertThat(all.get(5)).isInstanceOf(ClusterResource.Pool.class);
    assertThat(all.get(6)).isInstanceOf(ClusterResource.Sdn.class);
  }

  @Test
  void clusterContainers_filtersByTypeQueryAndKeepsLxcOnly() throws Exception {
    pve.data(
        "[{\"type\":\"qemu\",\"id\":\"qemu/100\",\"vmid\":100,\"node\":\"pve\",\"status\":\"running\"},"
            + "{\"type\":\"lxc\",\"id\":\"lxc/9101\",\"vmid\":\"9101\",\"node\":\"pve\",\"status\":\"stopped\"}]");

    var cts = client.clusterContainers();

    assertThat(pve.take().getPath()).isEqualTo("/api2/json/cluster/resources?type=vm");
    assertThat(cts).extracting(ClusterResource.Guest::vmid).containsExactly(9101);
  }

  @Test
  void clusterResources_typeFilter_sentAsQuery() throws Exception {
    pve.data("[]");

    client.clusterResources(ResourceType.STORAGE);

    assertThat(pve.take().getPath()).isEqualTo("/api2/json/cluster/resources?type=storage");
  }

  @Test
  void nextId_stringData_parsed() {
    pve.data("\"9101\"");

    assertThat(client.nextId()).isEqualTo(9101);
  }

  @Test
  void isVmidFree_takenAnswers400WithVmidError_false() throws Exception {
    pve.raw(
        MockProxmox.json(
            400,
            "Parameter verification failed.",
            "{\"errors\":{\"vmid\":\"VM 9101 already exists\"},\"data\":null}"));

    assertThat(client.isVmidFree(9101)).isFalse();
    assertThat(pve.take().getPath()).isEqualTo("/api2/json/cluster/nextid?vmid=9101");
  }

  @Test
  void isVmidFree_unused_true() {
    pve.data("\"9150\"");

    assertThat(client.isVmidFree(9150)).isTrue();
  }

  @Test
  void vzdump_nothingToDo_okString() throws Exception {
    pve.data("\"OK\"");

    var result = client.vzdump("pve", VzdumpRequest.of(9101, "vzdump-backups"));

    assertThat(result.isNothingToDo()).isTrue();
    assertThat(MockProxmox.body(pve.take()))
        .isEqualTo("vmid=9101&storage=vzdump-backups&mode=snapshot&compress=zstd");
  }

  @Test
  void vzdump_started_returnsUpid() {
    pve.data("\"UPID:pve:0001E248:016E6414:63AD7D7C:vzdump:9101:ctl@pve!controller:\"");

    var result = client.vzdump("pve", VzdumpRequest.of(9101, "vzdump-backups"));

    assertThat(result.task()).get().extracting(Upid::type).isEqualTo("vzdump");
  }

  @Test
  void nodeStatus_pve74WithoutAvailableMemory_fallsBackToFree() {
    pve.data(
        "{\"idle\":0,\"cpu\":0.0026,\"ksm\":{\"shared\":0},\"swap\":{\"total\":0,\"free\":0,\"used\":0},"
            + "\"pveversion\":\"pve-manager/7.4-16/0f39f621\",\"wait\":0,\"uptime\":2501631,\"kversion\":\"Linux 5.15.108-1-pve\","
            + "\"cpuinfo\":{\"mhz\":\"3400.000\",\"model\":\"Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz\",\"sockets\":1,\"hvm\":\"1\",\"cores\":4,\"user_hz\":100,\"cpus\":8},"
            + "\"loadavg\":[\"0.10\",\"0.20\",\"0.30\"],\"memory\":{\"total\":65919459328,\"free\":57824059392,\"used\":8095399936},"
            + "\"rootfs\":{\"total\":948338819072,\"free\":937851224064,\"used\":10487595008,\"avail\":937851224064}}");

    NodeStatus s = client.nodeStatus("pve");

    assertThat(s.cpus()).isEqualTo(8);
    assertThat(s.memoryAvailable()).isEqualTo(57824059392L);
    assertThat(s.loadAverage()).containsExactly(0.1, 0.2, 0.3);
    assertThat(s.pveVersion()).startsWith("pve-manager/7.4-16");
  }

  @Test
  void nodes_andStorages_parse() {
    pve.data(
        "[{\"node\":\"pve\",\"status\":\"online\",\"type\":\"node\",\"id\":\"node/pve\",\"level\":\"\",\"maxcpu\":12,\"ssl_fingerprint\":\"80:D4\"}]");
    pve.data(
        "[{\"storage\":\"local\",\"type\":\"dir\",\"content\":\"vztmpl,iso,backup\",\"enabled\":1,\"active\":1,\"shared\":0,"
            + "\"total\":100861726720,\"used\":9458774016,\"avail\":86234562560,\"used_fraction\":0.0937797}]");
    pve.data(
        "[{\"storage\":\"local\",\"type\":\"dir\",\"path\":\"/var/lib/vz\",\"content\":\"vztmpl,iso,backup\",\"digest\":\"d\","
            + "\"prune-backups\":\"keep-all=1\"}]");
    pve.data(
        "[{\"volid\":\"vzdump-backups:backup/vzdump-lxc-9101-2024_05_01-10_00_00.tar.zst\",\"format\":\"tar.zst\","
            + "\"size\":231145472,\"ctime\":1714557600,\"content\":\"backup\",\"subtype\":\"lxc\",\"vmid\":9101,\"notes\":\"web-1\"}]");

    assertThat(client.nodes().get(0).isOnline()).isTrue();
    assertThat(client.nodeStorages("pve").get(0).avail()).isEqualTo(86234562560L);
    assertThat(client.storages().get(0).raw()).containsEntry("path", "/var/lib/vz");
    var item =
        client.storageContent("pve", "vzdump-backups", Optional.empty(), Optional.empty()).get(0);
    assertThat(item.vmid()).hasValue(9101);
    assertThat(item.notes()).contains("web-1");
  }

  @Test
  void nonJsonSuccessBody_isProtocolError() {
    pve.raw(MockProxmox.json(200, "OK", "<html>hello</html>"));

    assertThatThrownBy(() -> client.nodes())
        .isInstanceOf(ProxmoxProtocolException.class)
        .hasMessageContaining("GET /nodes");
  }

  @Test
  void malformedUpidInResponse_isProtocolError() {
    pve.data("\"not-a-upid\"");

    assertThatThrownBy(() -> client.start("pve", 9101))
        .isInstanceOf(ProxmoxProtocolException.class);
  }

  // ---- pools: both API generations -------------------------------------------------------------

  private static final String MEMBERS =
      "[{\"id\":\"lxc/9101\",\"vmid\":9101,\"type\":\"lxc\",\"node\":\"pve\",\"status\":\"running\",\"name\":\"web-1\",\"template\":0},"
          + "{\"id\":\"storage/pve/clients-main\",\"storage\":\"clients-main\",\"type\":\"storage\",\"node\":\"pve\","
          + "\"content\":\"rootdir,images\",\"plugintype\":\"zfspool\",\"shared\":0,\"status\":\"available\"}]";

  @Test
  void pool_pve82_usesQueryFormAndReadsArray() throws Exception {
    pve.data("{\"version\":\"8.2.4\",\"release\":\"8.2\",\"repoid\":\"faa83925c9641325\"}");
    pve.data("[{\"poolid\":\"ClientPods\",\"comment\":\"tenants\",\"members\":" + MEMBERS + "}]");

    Pool p = client.pool("ClientPods");

    pve.take();
    assertThat(pve.take().getPath()).isEqualTo("/api2/json/pools?poolid=ClientPods");
    assertThat(p.poolId()).isEqualTo("ClientPods");
    assertThat(p.comment()).contains("tenants");
    assertThat(p.memberVmids()).containsExactly(9101);
    assertThat(p.members()).hasSize(2);
  }

  @Test
  void pool_pve74_usesPathFormAndReadsObject() throws Exception {
    pve.data("{\"version\":\"7.4-16\",\"release\":\"7.4\",\"repoid\":\"0f39f621\"}");
    pve.data("{\"comment\":\"tenants\",\"members\":" + MEMBERS + "}");

    Pool p = client.pool("ClientPods");

    pve.take();
    assertThat(pve.take().getPath()).isEqualTo("/api2/json/pools/ClientPods");
    assertThat(p.poolId()).isEqualTo("ClientPods");
    assertThat(p.memberVmids()).containsExactly(9101);
  }

  @Test
  void addPoolMembers_pve82_putsPoolsWithPoolidAndAllowMove() throws Exception {
    pve.data("{\"version\":\"8.2.4\",\"release\":\"8.2\",\"repoid\":\"faa83925c9641325\"}");
    pve.data("null");

    client.addPoolMembers("ClientPods", List.of(9101, 9102), List.of(), true);

    pve.take();
    RecordedRequest r = pve.take();
    assertThat(r.getMethod()).isEqualTo("PUT");
    assertThat(r.getPath()).isEqualTo("/api2/json/pools");
    assertThat(MockProxmox.body(r)).isEqualTo("poolid=ClientPods&vms=9101%2C9102&allow-move=1");
  }

  @Test
  void removePoolMembers_pve74_putsPathFormWithDelete() throws Exception {
    pve.data("{\"version\":\"7.4-16\",\"release\":\"7.4\",\"repoid\":\"0f39f621\"}");
    pve.data("null");

    client.removePoolMembers("ClientPods", List.of(9101), List.of());

    pve.take();
    RecordedRequest r = pve.take();
    assertThat(r.getPath()).isEqualTo("/api2/json/pools/ClientPods");
    assertThat(MockProxmox.body(r)).isEqualTo("vms=9101&delete=1");
  }

  @Test
  void addPoolMembers_newFormNotImplemented_fallsBackToPathFormAndRemembers() throws Exception {
    pve.data("{\"version\":\"8.1.3\",\"release\":\"8.1\",\"repoid\":\"b46aac3b42da5d15\"}");
    pve.oldError(501, "Method 'PUT /pools' not implemented");
    pve.data("null");
    pve.data("{\"comment\":\"c\",\"members\":[]}");

    client.addPoolMembers("ClientPods", List.of(9101), List.of(), false);
    client.pool("ClientPods");

    pve.take();
    assertThat(pve.take().getPath()).isEqualTo("/api2/json/pools");
    assertThat(pve.take().getPath()).isEqualTo("/api2/json/pools/ClientPods");
    assertThat(pve.take().getPath()).isEqualTo("/api2/json/pools/ClientPods");
    assertThat(pve.server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void createPool_postsPoolidAndComment() throws Exception {
    pve.data("null");

    client.createPool("ClientPods", Optional.of("tenant containers"));

    RecordedRequest r = pve.take();
    assertThat(r.getPath()).isEqualTo("/api2/json/pools");
    assertThat(MockProxmox.body(r)).isEqualTo("poolid=ClientPods&comment=tenant%20containers");
  }

  @Test
  void pools_listWithoutMembers() {
    pve.data(
        "[{\"poolid\":\"ClientPods\",\"comment\":\"Tenants\"},{\"poolid\":\"MigraTeck_Production\"}]");

    assertThat(client.pools())
        .extracting(Pool::poolId)
        .containsExactly("ClientPods", "MigraTeck_Production");
  }
}
