package io.cloudpods.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The {@code /access} routes {@code pveum} uses to set up a role, a user, a token and their ACLs
 * (pve-access-control {@code src/PVE/API2/{Role,User,ACL,AccessControl}.pm}).
 */
final class AccessOps {
  private static final Set<String> REALMS = Set.of("pam", "pve");

  private final ClusterState s;
  private final AccessControl acl;

  AccessOps(ClusterState state, AccessControl acl) {
    this.s = state;
    this.acl = acl;
  }

  /** {@code POST /access/roles}. */
  Object createRole(Call c) {
    String roleid = c.str("roleid");
    List<String> unknown = new ArrayList<>();
    Set<String> privs = AccessControl.parsePrivs(c.str("privs", ""), unknown);
    if (!unknown.isEmpty()) {
      throw ApiException.param("privs", "invalid privilege '" + unknown.get(0) + "'");
    }
    if (acl.hasRole(roleid)) {
      throw ApiException.fail("role '" + roleid + "' already exists");
    }
    acl.addRole(roleid, privs);
    return null;
  }

  /** {@code POST /access/users}. */
  Object createUser(Call c) {
    String userid = c.str("userid");
    String realm = userid.substring(userid.indexOf('@') + 1);
    if (!REALMS.contains(realm)) {
      throw ApiException.fail("domain '" + realm + "' does not exist");
    }
    if (acl.hasUser(userid)) {
      throw ApiException.fail("user '" + userid + "' already exists");
    }
    acl.addUser(userid, c.str("comment"));
    return null;
  }

  /** {@code POST /access/users/{userid}/token/{tokenid}}: the secret is answered this once. */
  Object createToken(Call c) {
    String userid = c.str("userid");
    String name = c.str("tokenid");
    if (!acl.hasUser(userid)) {
      throw ApiException.fail("no such user ('" + userid + "')");
    }
    String full = userid + "!" + name;
    if (acl.token(full) != null) {
      throw ApiException.fail("Token already exists.");
    }
    AccessControl.Token t =
        new AccessControl.Token(
            UUID.randomUUID().toString(),
            c.bool("privsep", true),
            c.str("comment"),
            c.longValue("expire", 0));
    acl.addToken(userid, name, t);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("full-tokenid", full);
    out.put("info", info(t));
    out.put("value", t.secret());
    return out;
  }

  /** {@code GET /access/users/{userid}/token/{tokenid}}. */
  Object readToken(Call c) {
    AccessControl.Token t = acl.token(c.str("userid") + "!" + c.str("tokenid"));
    if (t == null) {
      throw ApiException.fail(
          "no such token '" + c.str("tokenid") + "' for user '" + c.str("userid") + "'");
    }
    return info(t);
  }

  private static Map<String, Object> info(AccessControl.Token t) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (t.comment() != null) {
      m.put("comment", t.comment());
    }
    m.put("expire", t.expire());
    m.put("privsep", t.privsep() ? 1 : 0);
    return m;
  }

  /** {@code PUT /access/acl}: every role for every user and token named, on one path. */
  Object updateAcl(Call c) {
    String path = AccessControl.normalizePath(c.str("path"));
    if (path == null) {
      throw ApiException.param("path", "invalid ACL path '" + c.str("path") + "'");
    }
    List<String> users = PropertyStrings.splitList(c.str("users", ""));
    List<String> tokens = PropertyStrings.splitList(c.str("tokens", ""));
    if (c.has("groups")) {
      throw ApiException.fail("groups are not supported by the simulator");
    }
    if (users.isEmpty() && tokens.isEmpty()) {
      throw ApiException.fail("either 'users', 'groups' or 'tokens' is required!");
    }
    boolean delete = c.bool("delete");
    boolean propagate = c.bool("propagate", true);
    List<String> roles = PropertyStrings.splitList(c.str("roles"));
    for (String role : roles) {
      if (!acl.hasRole(role)) {
        throw ApiException.fail("role '" + role + "' does not exist");
      }
    }
    for (String u : users) {
      if (!acl.hasUser(u)) {
        throw ApiException.fail("user '" + u + "' does not exist");
      }
    }
    for (String t : tokens) {
      if (acl.token(t) == null) {
        throw ApiException.fail(
            "no such token '"
                + t.substring(t.indexOf('!') + 1)
                + "' for user '"
                + AccessControl.owner(t)
                + "'");
      }
    }
    for (String role : roles) {
      for (String u : users) {
        acl.modifyAcl(path, "user", u, role, propagate, delete);
      }
      for (String t : tokens) {
        acl.modifyAcl(path, "token", t, role, propagate, delete);
      }
    }
    return null;
  }

  /** {@code GET /access/acl}. */
  Object listAcl(Call c) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (AccessControl.Entry e : acl.entries()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", e.path());
      m.put("type", e.type());
      m.put("ugid", e.ugid());
      m.put("roleid", e.roleid());
      m.put("propagate", e.propagate() ? 1 : 0);
      out.add(m);
    }
    return out;
  }

  /**
   * {@code GET /access/permissions} ({@code pveum user token permissions}): path to privilege to
   * propagate flag, for {@code userid} (a user or a token) or the caller.
   */
  Object permissions(Call c) {
    String who = c.str("userid", c.authId());
    if (AccessControl.isToken(who) ? acl.token(who) == null : !acl.hasUser(who)) {
      throw ApiException.fail("no such user/token '" + who + "'");
    }
    Map<String, Map<String, Boolean>> tree;
    if (c.has("path")) {
      tree = new LinkedHashMap<>();
      tree.put(c.str("path"), acl.permissions(who, c.str("path")));
    } else {
      tree = acl.permissionTree(who, this::memberPaths);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    tree.forEach(
        (path, privs) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          privs.forEach((p, prop) -> m.put(p, prop ? 1 : 0));
          out.put(path, m);
        });
    return out;
  }

  private Set<String> memberPaths(String pool) {
    Set<String> out = new TreeSet<>();
    Pool p = s.pools.get(pool);
    if (p != null) {
      p.vms.forEach(v -> out.add("/vms/" + v));
      p.storages.forEach(st -> out.add("/storage/" + st));
    }
    return out;
  }
}
