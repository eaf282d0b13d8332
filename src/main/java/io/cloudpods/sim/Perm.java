package io.cloudpods.sim;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route's permission check, the {@code permissions} of a Proxmox API method. It runs after the
 * token is authenticated and before schema validation (so 403 comes before 400), on the raw
 * parameters. A refusal is {@code 403 Permission check failed (<path>, <priv>)}.
 *
 * <p>Declaring one is a line in {@code ApiRoutes}, e.g. {@code r.check("GET",
 * "/nodes/{node}/lxc/{vmid}/firewall/options", Perm.priv("/vms/{vmid}", "VM.Audit"))}.
 */
@FunctionalInterface
interface Perm {
  void check(Ctx c);

  /** What a check sees: the caller, the raw parameters, the cluster and the ACLs. */
  record Ctx(AccessControl acl, ClusterState state, String authId, Map<String, String> params) {
    boolean superuser() {
      return acl.superuser(authId);
    }

    /** {@code /vms/{vmid}} with the parameter filled in. */
    String path(String template) {
      return fill(template, params);
    }

    boolean has(String path, String priv) {
      return acl.has(authId, path, priv);
    }

    /** {@code $rpcenv->check}: every privilege, the first missing one is named. */
    void require(String path, String... privs) {
      if (superuser()) {
        return;
      }
      for (String p : privs) {
        if (!has(path, p)) {
          throw denied(path + ", " + p);
        }
      }
    }

    /** {@code check_any}: one of the privileges, all of them named when none is held. */
    void requireAny(String path, String... privs) {
      if (superuser() || anyOf(path, privs)) {
        return;
      }
      throw denied(path + ", " + String.join("|", privs));
    }

    boolean anyOf(String path, String... privs) {
      if (superuser()) {
        return true;
      }
      for (String p : privs) {
        if (has(path, p)) {
          return true;
        }
      }
      return false;
    }

    /**
     * {@code check_vm_perm}: on {@code /pool/<pool>} when a pool is given and that is enough, else
     * on {@code /vms/<vmid>}.
     */
    void requireVm(String vmid, String pool, String... privs) {
      if (superuser()) {
        return;
      }
      if (pool != null) {
        boolean ok = true;
        for (String p : privs) {
          ok &= has("/pool/" + pool, p);
        }
        if (ok) {
          return;
        }
      }
      require("/vms/" + vmid, privs);
    }

    /** Only {@code root@pam} (and the simulator's start tokens). */
    void requireRoot(String what) {
      if (!superuser()) {
        throw what == null ? denied(null) : denied(what);
      }
    }

    String param(String k) {
      return params.get(k);
    }
  }

  Pattern PLACEHOLDER = Pattern.compile("\\{([^}]+)}");

  static String fill(String template, Map<String, String> params) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String v = params.get(m.group(1));
      m.appendReplacement(b, Matcher.quoteReplacement(v == null ? "" : v));
    }
    m.appendTail(b);
    return b.toString();
  }

  /** {@code raise_perm_exc}: {@code Permission check failed (<what>)}, or bare without detail. */
  static ApiException denied(String what) {
    return ApiException.forbidden(
        what == null ? "Permission check failed" : "Permission check failed (" + what + ")");
  }

  /** {@code user => 'all'}: any authenticated caller (lists filter what they show). */
  static Perm anyone() {
    return c -> {};
  }

  /** No {@code permissions} declared: only {@code root@pam}. */
  static Perm rootOnly() {
    return c -> c.requireRoot(null);
  }

  /** {@code ['perm', path, [privs]]}: every privilege on the path template. */
  static Perm priv(String pathTemplate, String... privs) {
    return c -> c.require(c.path(pathTemplate), privs);
  }

  /** {@code ['perm', path, [privs], any => 1]}. */
  static Perm anyPriv(String pathTemplate, String... privs) {
    return c -> c.requireAny(c.path(pathTemplate), privs);
  }

  /** Both checks, the first failure reported. */
  default Perm and(Perm next) {
    return c -> {
      check(c);
      next.check(c);
    };
  }
}
