package io.cloudpods.proxmox.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTemplateTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "version, /version",
    "cluster/resources, /cluster/resources",
    "cluster/nextid, /cluster/nextid",
    "nodes, /nodes",
    "nodes/pve-01/status, /nodes/{node}/status",
    "nodes/pve-01/lxc, /nodes/{node}/lxc",
    "nodes/pve-01/lxc/9001/config, /nodes/{node}/lxc/{vmid}/config",
    "nodes/pve-01/lxc/9001/status/start, /nodes/{node}/lxc/{vmid}/status/start",
    "nodes/pve-01/lxc/9000/clone, /nodes/{node}/lxc/{vmid}/clone",
    "nodes/pve-01/lxc/9001/snapshot/before-upgrade/rollback,"
        + " /nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback",
    "nodes/pve-01/tasks/UPID:pve-01:0001:0002:0003:vzcreate:9001:root@pam:/status,"
        + " /nodes/{node}/tasks/{upid}/status",
    "nodes/pve-01/storage/clients-main/content, /nodes/{node}/storage/{storage}/content",
    "storage, /storage",
    "pools, /pools",
    "pools/ClientPods, /pools/{poolid}",
    "nodes/pve-01/lxc/9001/firewall/ipset/ipfilter-net0/10.1.10.51,"
        + " /nodes/{node}/lxc/{vmid}/firewall/ipset/{name}/{cidr}",
    "nodes/pve-01/lxc/9001/firewall/options, /nodes/{node}/lxc/{vmid}/firewall/options",
  })
  void idsAreReplacedByTheirParameterNames(String path, String route) {
    assertThat(RouteTemplate.of(List.of(path.split("/")))).isEqualTo(route);
  }
}
