package io.cloudpods.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Users, API tokens, roles and ACLs, resolved the way pve-access-control does it ({@code
 * AccessControl.pm roles}, {@code RPCEnvironment.pm permissions} and {@code compile_acl_path}):
 *
 * <ul>
 *   <li>walking from {@code /} down, an entry counts when it sits on the path itself or propagates,
 *       and it <em>replaces</em> what came from above;
 *   <li>NoAccess, once it is the result, is the only role;
 *   <li>roles on {@code /pool/<p>} are added to {@code /vms/<member>} and {@code /storage/<member>}
 *       (a normal NoAccess is never lifted, a pool NoAccess wins);
 *   <li>a token with privsep=1 gets, path by path, what both its own ACLs and its user's grant;
 *       with privsep=0 it gets its user's;
 *   <li>{@code root@pam} has every privilege and skips every check; its tokens do not skip checks,
 *       but with privsep=0 they hold every privilege.
 * </ul>
 *
 * <p>Groups are not modelled. Tokens given to the simulator at start ({@link
 * SimulatorOptions#tokens()}) are superusers like {@code root@pam}, so tests and tools that predate
 * the privilege model keep working; tokens made through {@code /access} are checked.
 *
 * <p>Thread safety: every method synchronizes on this object.
 */
final class AccessControl {
  static final String ROOT = "root@pam";

  /** Every privilege of PVE 9 ({@code $privgroups}: PVE 9 drops VM.Monitor, adds VM.Replicate). */
  static final List<String> PRIVILEGES =
      List.of(
          "VM.Allocate",
          "VM.Audit",
          "VM.Backup",
          "VM.Clone",
          "VM.Config.CDROM",
          "VM.Config.CPU",
          "VM.Config.Cloudinit",
          "VM.Config.Disk",
          "VM.Config.HWType",
          "VM.Config.Memory",
          "VM.Config.Network",
          "VM.Config.Options",
          "VM.Console",
          "VM.GuestAgent.Audit",
          "VM.Migrate",
          "VM.PowerMgmt",
          "VM.Replicate",
          "VM.Snapshot",
          "VM.Snapshot.Rollback",
          "Sys.AccessNetwork",
          "Sys.Audit",
          "Sys.Console",
          "Sys.Incoming",
          "Sys.Modify",
          "Sys.PowerMgmt",
          "Sys.Syslog",
          "Permissions.Modify",
          "Datastore.Allocate",
          "Datastore.AllocateSpace",
          "Datastore.AllocateTemplate",
          "Datastore.Audit",
          "SDN.Allocate",
          "SDN.Audit",
          "SDN.Use",
          "User.Modify",
          "Group.Allocate",
          "Realm.Allocate",
          "Realm.AllocateUser",
          "Pool.Allocate",
          "Pool.Audit",
          "Mapping.Audit",
          "Mapping.Modify",
          "Mapping.Use");

  /** The built-in roles the simulator offers ({@code $special_roles} and the PVE* roles). */
  static final Map<String, Set<String>> BUILTIN_ROLES = builtinRoles();

  private static Map<String, Set<String>> builtinRoles() {
    Map<String, Set<String>> m = new TreeMap<>();
    m.put("Administrator", Set.copyOf(PRIVILEGES));
    m.put("NoAccess", Set.of());
    m.put(
        "PVEAuditor",
        Set.of(
            "VM.Audit",
            "VM.GuestAgent.Audit",
            "Sys.Audit",
            "Datastore.Audit",
            "SDN.Audit",
            "Pool.Audit",
            "Mapping.Audit"));
    m.put("PVETemplateUser", Set.of("VM.Clone", "VM.Audit"));
    m.put("PVESDNUser", Set.of("SDN.Use", "SDN.Audit"));
    m.put(
        "PVEVMUser",
        Set.of(
            "VM.Audit",
            "VM.Backup",
            "VM.Config.CDROM",
            "VM.Config.Cloudinit",
            "VM.Console",
            "VM.PowerMgmt"));
    m.put("PVEDatastoreUser", Set.of("Datastore.AllocateSpace", "Datastore.Audit"));
    m.put("PVEPoolUser", Set.of("Pool.Audit"));
    return Collections.unmodifiableMap(m);
  }

  /** {@code check_path}: the ACL paths Proxmox accepts. */
  private static final Pattern ACL_PATH =
      Pattern.compile(
          "/|/(access|access/groups|access/realm|mapping/pci|mapping/usb|nodes|pool|sdn|sdn/zones"
              + "|sdn/vnets|storage|vms)"
              + "|/access/(groups|realm)/[^/]+"
              + "|/mapping/(pci|usb)/[^/]+"
              + "|/nodes/[^/]+"
              + "|/pool/[^/]+(/[^/]+){0,2}"
              + "|/sdn/zones/[^/]+(/[^/]+(/[1-9][0-9]*)?)?"
              + "|/sdn/vnets/[^/]+"
              + "|/storage/[^/]+"
              + "|/vms/[1-9][0-9]{2,}");

  private static final Pattern VM_PATH = Pattern.compile("/vms/(\\d+)");
  private static final Pattern STORAGE_PATH = Pattern.compile("/storage/([^/]+)");

  /** An API token of a user. */
  record Token(String secret, boolean privsep, String comment, long expire) {}

  /** A user: comment and tokens by name. */
  static final class User {
    final String comment;
    final Map<String, Token> tokens = new TreeMap<>();

    User(String comment) {
      this.comment = comment;
    }
  }

  /** One ACL entry as {@code GET /access/acl} lists it. */
  record Entry(String path, String type, String ugid, String roleid, boolean propagate) {}

  /** Where pool membership is read: pool of a guest, pool of a storage (null when none). */
  interface Pools {
    String ofVm(int vmid);

    String ofStorage(String storage);
  }

  private final Map<String, Set<String>> roles = new TreeMap<>(BUILTIN_ROLES);
  private final Map<String, User> users = new TreeMap<>();

  /** path -> ("user:" + userid | "token:" + tokenid) -> role -> propagate. */
  private final Map<String, Map<String, Map<String, Boolean>>> acl = new TreeMap<>();

  /** Tokens given at start: superusers. */
  private final Map<String, String> configuredTokens = new LinkedHashMap<>();

  private Pools pools =
      new Pools() {
        @Override
        public String ofVm(int vmid) {
          return null;
        }

        @Override
        public String ofStorage(String storage) {
          return null;
        }
      };

  /** Every refusal ({@code METHOD path: message}), oldest first. */
  private final List<String> denials = new ArrayList<>();

  synchronized void recordDenial(String what) {
    denials.add(what);
  }

  synchronized List<String> denials() {
    return List.copyOf(denials);
  }

  AccessControl() {
    users.put(ROOT, new User(null));
  }

  synchronized void setPools(Pools p) {
    this.pools = p;
  }

  /** A token from the simulator's options: accepted, and allowed everything. */
  synchronized void addConfiguredToken(String tokenId, String secret) {
    configuredTokens.put(tokenId, secret);
  }

  /** The secret of a token (configured or made through {@code /access}), or null. */
  synchronized String secret(String tokenId) {
    String s = configuredTokens.get(tokenId);
    if (s != null) {
      return s;
    }
    Token t = token(tokenId);
    return t == null ? null : t.secret();
  }

  /** {@code root@pam} or a token given at start: skips every check. */
  synchronized boolean superuser(String authId) {
    return ROOT.equals(authId) || configuredTokens.containsKey(authId);
  }

  static boolean isToken(String authId) {
    return authId.indexOf('!') > 0;
  }

  static String owner(String authId) {
    int bang = authId.indexOf('!');
    return bang < 0 ? authId : authId.substring(0, bang);
  }

  // ---- changes, as the /access API makes them ----

  synchronized boolean hasRole(String roleid) {
    return roles.containsKey(roleid);
  }

  synchronized void addRole(String roleid, Set<String> privs) {
    roles.put(roleid, Set.copyOf(privs));
  }

  synchronized boolean hasUser(String userid) {
    return users.containsKey(userid);
  }

  synchronized void addUser(String userid, String comment) {
    users.put(userid, new User(comment));
  }

  synchronized Token token(String tokenId) {
    int bang = tokenId.indexOf('!');
    if (bang < 0) {
      return null;
    }
    User u = users.get(tokenId.substring(0, bang));
    return u == null ? null : u.tokens.get(tokenId.substring(bang + 1));
  }

  synchronized void addToken(String userid, String name, Token t) {
    users.get(userid).tokens.put(name, t);
  }

  /** Sets ({@code delete=false}) or removes one role of one user or token on a path. */
  synchronized void modifyAcl(
      String path, String kind, String ugid, String roleid, boolean propagate, boolean delete) {
    String key = kind + ":" + ugid;
    if (delete) {
      Map<String, Map<String, Boolean>> atPath = acl.get(path);
      if (atPath != null && atPath.containsKey(key)) {
        atPath.get(key).remove(roleid);
        if (atPath.get(key).isEmpty()) {
          atPath.remove(key);
        }
        if (atPath.isEmpty()) {
          acl.remove(path);
        }
      }
      return;
    }
    acl.computeIfAbsent(path, p -> new TreeMap<>())
        .computeIfAbsent(key, k -> new TreeMap<>())
        .put(roleid, propagate);
  }

  synchronized List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    acl.forEach(
        (path, byId) ->
            byId.forEach(
                (key, rs) -> {
                  int colon = key.indexOf(':');
                  rs.forEach(
                      (role, prop) ->
                          out.add(
                              new Entry(
                                  path,
                                  key.substring(0, colon),
                                  key.substring(colon + 1),
                                  role,
                                  prop)));
                }));
    return out;
  }

  /** {@code check_path}: the normalized path, or null when Proxmox does not accept it. */
  static String normalizePath(String path) {
    String p = path.replaceAll("/+", "/");
    if (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return ACL_PATH.matcher(p).matches() ? p : null;
  }

  // ---- resolution ----

  /**
   * {@code AccessControl.pm roles}: role to propagate flag for one user or token (not both) on a
   * path.
   */
  synchronized Map<String, Boolean> roles(String kind, String ugid, String path) {
    String key = kind + ":" + ugid;
    Map<String, Boolean> result = new TreeMap<>();
    List<String> prefixes = prefixes(path);
    for (int i = 0; i < prefixes.size(); i++) {
      boolean last = i == prefixes.size() - 1;
      Map<String, Map<String, Boolean>> atPath = acl.get(prefixes.get(i));
      Map<String, Boolean> mine = atPath == null ? null : atPath.get(key);
      if (mine == null) {
        continue;
      }
      Map<String, Boolean> next = new TreeMap<>();
      mine.forEach(
          (role, prop) -> {
            if (last || prop) {
              next.put(role, prop);
            }
          });
      if (!next.isEmpty()) {
        result = next;
      }
    }
    if (result.containsKey("NoAccess")) {
      return Map.of("NoAccess", result.get("NoAccess"));
    }
    return result;
  }

  /** {@code /}, {@code /vms}, {@code /vms/101} for {@code /vms/101}. */
  static List<String> prefixes(String path) {
    List<String> out = new ArrayList<>();
    out.add("/");
    StringBuilder b = new StringBuilder();
    for (String seg : path.split("/")) {
      if (seg.isEmpty()) {
        continue;
      }
      b.append('/').append(seg);
      out.add(b.toString());
    }
    return out;
  }

  /**
   * {@code compile_acl_path}: privilege to propagate flag for one user or token on a path, pool
   * roles included.
   */
  private Map<String, Boolean> compile(String kind, String ugid, String path) {
    Map<String, Boolean> rs = new TreeMap<>(roles(kind, ugid, path));
    String pool = poolOf(path);
    if (pool != null && !rs.containsKey("NoAccess")) {
      Map<String, Boolean> poolRoles = roles(kind, ugid, "/pool/" + pool);
      if (poolRoles.containsKey("NoAccess")) {
        rs.clear();
        rs.put("NoAccess", poolRoles.get("NoAccess"));
      } else {
        poolRoles.forEach((r, p) -> rs.merge(r, p, Boolean::logicalOr));
      }
    }
    Map<String, Boolean> privs = new TreeMap<>();
    rs.forEach(
        (role, prop) -> {
          for (String priv : roles.getOrDefault(role, Set.of())) {
            privs.merge(priv, prop, Boolean::logicalOr);
          }
        });
    return privs;
  }

  private String poolOf(String path) {
    Matcher vm = VM_PATH.matcher(path);
    if (vm.matches()) {
      return pools.ofVm(Integer.parseInt(vm.group(1)));
    }
    Matcher st = STORAGE_PATH.matcher(path);
    if (st.matches()) {
      return pools.ofStorage(st.group(1));
    }
    return null;
  }

  /**
   * {@code RPCEnvironment::permissions}: the privileges of a user or token on a path, each with
   * whether it propagates.
   */
  synchronized Map<String, Boolean> permissions(String authId, String path) {
    if (superuser(authId)) {
      return all();
    }
    if (isToken(authId)) {
      Token t = token(authId);
      if (t == null) {
        return Map.of();
      }
      Map<String, Boolean> userPrivs = permissions(owner(authId), path);
      if (!t.privsep()) {
        return userPrivs;
      }
      Map<String, Boolean> tokenPrivs = compile("token", authId, path);
      tokenPrivs.keySet().retainAll(userPrivs.keySet());
      return tokenPrivs;
    }
    if (!users.containsKey(authId)) {
      return Map.of();
    }
    return compile("user", authId, path);
  }

  private static Map<String, Boolean> all() {
    Map<String, Boolean> m = new TreeMap<>();
    PRIVILEGES.forEach(p -> m.put(p, true));
    return m;
  }

  synchronized boolean has(String authId, String path, String priv) {
    return permissions(authId, path).containsKey(priv);
  }

  /**
   * {@code GET /access/permissions} without a path: every path that has ACLs, plus the members of
   * pools that have ACLs, each with the caller's privileges there (paths without any left out).
   */
  synchronized Map<String, Map<String, Boolean>> permissionTree(
      String authId, Function<String, Set<String>> poolMemberPaths) {
    Set<String> paths = new TreeSet<>(acl.keySet());
    paths.add("/");
    for (String p : new ArrayList<>(paths)) {
      if (p.startsWith("/pool/")) {
        paths.addAll(poolMemberPaths.apply(p.substring("/pool/".length())));
      }
    }
    Map<String, Map<String, Boolean>> out = new LinkedHashMap<>();
    for (String p : paths) {
      Map<String, Boolean> privs = permissions(authId, p);
      if (!privs.isEmpty()) {
        out.put(p, privs);
      }
    }
    return out;
  }

  /** Parses a privilege list ({@code pve-priv-list}); unknown names are reported. */
  static Set<String> parsePrivs(String list, List<String> unknown) {
    Set<String> out = new LinkedHashSet<>();
    for (String p : list.split("[,;\\s]+")) {
      if (p.isEmpty()) {
        continue;
      }
      if (PRIVILEGES.contains(p)) {
        out.add(p);
      } else {
        unknown.add(p);
      }
    }
    return out;
  }
}
