package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The privilege resolver, case by case as pve-access-control resolves: propagate, deeper entries
 * replacing, NoAccess, pools, and privsep tokens.
 */
class AccessControlTest {

  /**
   * One case: ACL lines {@code user|token <id> <path> <role> <propagate 0|1>}, tokens {@code <id>
   * privsep=0|1}, who asks for which path, what must be held and what must not.
   */
  record Case(
      String name,
      List<String> acl,
      List<String> tokens,
      String who,
      String path,
      Set<String> held,
      Set<String> notHeld) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String U = "u@pve";
  private static final String T = "u@pve!t";

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "a propagating entry reaches below",
            List.of("user u@pve /vms PVEAuditor 1"),
            List.of(),
            U,
            "/vms/150",
            Set.of("VM.Audit"),
            Set.of("VM.Allocate")),
        new Case(
            "a non-propagating entry counts on its own path only",
            List.of("user u@pve /vms PVEAuditor 0"),
            List.of(),
            U,
            "/vms/150",
            Set.of(),
            Set.of("VM.Audit")),
        new Case(
            "a non-propagating entry counts on its own path",
            List.of("user u@pve /vms PVEAuditor 0"),
            List.of(),
            U,
            "/vms",
            Set.of("VM.Audit"),
            Set.of()),
        new Case(
            "a deeper entry replaces what came from above",
            List.of("user u@pve / Administrator 1", "user u@pve /vms/160 PVEAuditor 1"),
            List.of(),
            U,
            "/vms/160",
            Set.of("VM.Audit"),
            Set.of("VM.Allocate", "Sys.Modify")),
        new Case(
            "a deeper non-propagating entry does not replace below itself",
            List.of("user u@pve / Administrator 1", "user u@pve /vms PVEAuditor 0"),
            List.of(),
            U,
            "/vms/150",
            Set.of("VM.Allocate"),
            Set.of()),
        new Case(
            "NoAccess beside another role leaves nothing",
            List.of("user u@pve /vms/150 NoAccess 1", "user u@pve /vms/150 PVEAuditor 1"),
            List.of(),
            U,
            "/vms/150",
            Set.of(),
            Set.of("VM.Audit")),
        new Case(
            "pool roles reach the pool's guests",
            List.of("user u@pve /pool/ClientPods PVEAuditor 0"),
            List.of(),
            U,
            "/vms/150",
            Set.of("VM.Audit"),
            Set.of()),
        new Case(
            "pool roles do not reach guests outside the pool",
            List.of("user u@pve /pool/ClientPods PVEAuditor 0"),
            List.of(),
            U,
            "/vms/101",
            Set.of(),
            Set.of("VM.Audit")),
        new Case(
            "pool roles reach the pool's storages",
            List.of("user u@pve /pool/ClientPods PVEDatastoreUser 0"),
            List.of(),
            U,
            "/storage/clients-main",
            Set.of("Datastore.AllocateSpace"),
            Set.of()),
        new Case(
            "pool roles are added to normal ones",
            List.of("user u@pve /pool/ClientPods PVEAuditor 0", "user u@pve /vms/150 PVEVMUser 0"),
            List.of(),
            U,
            "/vms/150",
            Set.of("VM.Audit", "VM.PowerMgmt"),
            Set.of()),
        new Case(
            "pool roles never lift a normal NoAccess",
            List.of(
                "user u@pve /pool/ClientPods Administrator 0", "user u@pve /vms/150 NoAccess 0"),
            List.of(),
            U,
            "/vms/150",
            Set.of(),
            Set.of("VM.Audit")),
        new Case(
            "a pool NoAccess wins",
            List.of("user u@pve /vms Administrator 1", "user u@pve /pool/ClientPods NoAccess 0"),
            List.of(),
            U,
            "/vms/150",
            Set.of(),
            Set.of("VM.Audit")),
        new Case(
            "a privsep token keeps only what both it and its user have",
            List.of("user u@pve / Administrator 1", "token u@pve!t /vms PVEAuditor 1"),
            List.of("u@pve!t privsep=1"),
            T,
            "/vms/150",
            Set.of("VM.Audit"),
            Set.of("VM.Allocate")),
        new Case(
            "a privsep token gets nothing its user lacks",
            List.of("user u@pve /vms PVEAuditor 1", "token u@pve!t /vms Administrator 1"),
            List.of("u@pve!t privsep=1"),
            T,
            "/vms/150",
            Set.of("VM.Audit"),
            Set.of("VM.Allocate")),
        new Case(
            "a privsep token without ACLs of its own gets nothing",
            List.of("user u@pve / Administrator 1"),
            List.of("u@pve!t privsep=1"),
            T,
            "/vms/150",
            Set.of(),
            Set.of("VM.Audit")),
        new Case(
            "a token without privsep has its user's privileges",
            List.of("user u@pve / Administrator 1"),
            List.of("u@pve!t privsep=0"),
            T,
            "/vms/150",
            Set.of("VM.Allocate", "Sys.Modify"),
            Set.of()),
        new Case(
            "the intersection is taken path by path, pools included",
            List.of(
                "user u@pve /pool/ClientPods Administrator 0",
                "token u@pve!t /pool/ClientPods PVEVMUser 0"),
            List.of("u@pve!t privsep=1"),
            T,
            "/vms/150",
            Set.of("VM.PowerMgmt", "VM.Audit"),
            Set.of("VM.Allocate")),
        new Case(
            "a root@pam token without privsep holds everything",
            List.of(),
            List.of("root@pam!x privsep=0"),
            "root@pam!x",
            "/vms/101",
            Set.copyOf(AccessControl.PRIVILEGES),
            Set.of()),
        new Case(
            "a root@pam token with privsep holds only its own ACLs",
            List.of("token root@pam!x /vms/101 PVEAuditor 0"),
            List.of("root@pam!x privsep=1"),
            "root@pam!x",
            "/vms/101",
            Set.of("VM.Audit"),
            Set.of("VM.Allocate")),
        new Case(
            "an unknown token holds nothing",
            List.of("user u@pve / Administrator 1"),
            List.of(),
            "u@pve!nope",
            "/vms/150",
            Set.of(),
            Set.of("VM.Audit")));
  }

  private static AccessControl build(Case c) {
    AccessControl acl = new AccessControl();
    acl.setPools(
        new AccessControl.Pools() {
          @Override
          public String ofVm(int vmid) {
            return vmid == 150 ? "ClientPods" : vmid == 101 ? "MigraTeck_Production" : null;
          }

          @Override
          public String ofStorage(String storage) {
            return storage.equals("clients-main") ? "ClientPods" : null;
          }
        });
    acl.addUser(U, null);
    for (String t : c.tokens()) {
      String[] p = t.split(" ");
      String user = AccessControl.owner(p[0]);
      if (!acl.hasUser(user)) {
        acl.addUser(user, null);
      }
      acl.addToken(
          user,
          p[0].substring(p[0].indexOf('!') + 1),
          new AccessControl.Token("s", p[1].equals("privsep=1"), null, 0));
    }
    for (String line : c.acl()) {
      String[] p = line.split(" ");
      acl.modifyAcl(p[2], p[0], p[1], p[3], p[4].equals("1"), false);
    }
    return acl;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void resolves(Case c) {
    Map<String, Boolean> privs = build(c).permissions(c.who(), c.path());
    if (c.held().isEmpty()) {
      assertThat(privs).isEmpty();
    } else {
      assertThat(privs.keySet()).containsAll(c.held());
    }
    for (String p : c.notHeld()) {
      assertThat(privs).doesNotContainKey(p);
    }
  }

  @Test
  void removingAnEntry_takesItsPrivilegesAway() {
    AccessControl acl = new AccessControl();
    acl.addUser(U, null);
    acl.modifyAcl("/vms", "user", U, "PVEAuditor", true, false);
    acl.modifyAcl("/vms", "user", U, "PVEAuditor", true, true);
    assertThat(acl.permissions(U, "/vms/150")).isEmpty();
    assertThat(acl.entries()).isEmpty();
  }

  @Test
  void rootAtPam_andStartTokens_skipEveryCheck() {
    AccessControl acl = new AccessControl();
    acl.addConfiguredToken("ctl@pve!ci", "secret");
    assertThat(acl.superuser("root@pam")).isTrue();
    assertThat(acl.superuser("ctl@pve!ci")).isTrue();
    assertThat(acl.permissions("ctl@pve!ci", "/vms/101").keySet())
        .containsAll(AccessControl.PRIVILEGES);
    assertThat(acl.superuser("root@pam!other")).isFalse();
  }

  @Test
  void aclPaths_areCheckedAsProxmoxChecksThem() {
    assertThat(AccessControl.normalizePath("/pool/ClientPods/")).isEqualTo("/pool/ClientPods");
    assertThat(AccessControl.normalizePath("//vms//9000")).isEqualTo("/vms/9000");
    assertThat(AccessControl.normalizePath("/sdn/zones/localnetwork/vmbr0/20"))
        .isEqualTo("/sdn/zones/localnetwork/vmbr0/20");
    assertThat(AccessControl.normalizePath("/vms/12")).isNull();
    assertThat(AccessControl.normalizePath("/pool/a/b/c/d")).isNull();
    assertThat(AccessControl.normalizePath("/nowhere")).isNull();
  }
}
