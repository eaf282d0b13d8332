package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.IpPoolSpec;
import io.cloudpods.api.v1alpha1.TenantAllowed;
import io.cloudpods.store.Ipv4;
import io.cloudpods.store.PodsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks beyond the schemas that need no database: VMID ranges, pool geometry, IP inside a pool.
 */
public final class SpecRules {
  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  private SpecRules() {}

  /**
   * RFC 1123 label as used for names and hostnames: 1–63 of {@code [a-z0-9-]}, no leading/trailing
   * '-'.
   */
  public static boolean isDnsLabel(String s) {
    return s != null && s.length() <= 63 && DNS_LABEL.matcher(s).matches();
  }

  /**
   * VMID rules for a (defaulted) pod spec: client range only, never infrastructure or a template.
   */
  public static List<FieldError> pod(CloudPodSpec spec, PodsConfig cfg) {
    List<FieldError> errors = new ArrayList<>();
    Integer vmid = spec.vmid();
    if (vmid != null) {
      if (vmid >= cfg.infraVmidStart() && vmid <= cfg.infraVmidEnd()) {
        errors.add(
            new FieldError(
                "spec.vmid",
                vmid
                    + " is in the infrastructure range "
                    + cfg.infraVmidStart()
                    + "-"
                    + cfg.infraVmidEnd()));
      } else if (vmid == cfg.templateVmid() || vmid.equals(spec.template())) {
        errors.add(new FieldError("spec.vmid", vmid + " is the template container"));
      } else if (vmid < cfg.vmidRangeStart() || vmid > cfg.vmidRangeEnd()) {
        errors.add(
            new FieldError(
                "spec.vmid",
                vmid
                    + " is outside the client range "
                    + cfg.vmidRangeStart()
                    + "-"
                    + cfg.vmidRangeEnd()));
      }
    }
    Integer template = spec.template();
    if (template != null && template >= cfg.infraVmidStart() && template <= cfg.infraVmidEnd()) {
      errors.add(new FieldError("spec.template", template + " is in the infrastructure range"));
    }
    return errors;
  }

  /**
   * Rules of {@code spec.adopt} (nothing for a pod that does not adopt): the container taken over
   * is found by VMID and verified by address, so both must be named.
   */
  public static List<FieldError> adoption(CloudPodSpec spec) {
    List<FieldError> errors = new ArrayList<>();
    if (!spec.adopts()) {
      return errors;
    }
    if (spec.vmid() == null) {
      errors.add(
          new FieldError(
              "spec.vmid", "required with spec.adopt: the VMID of the container to adopt"));
    }
    if (spec.ip() == null) {
      errors.add(
          new FieldError("spec.ip", "required with spec.adopt: the address the container has"));
    }
    if (spec.restoreFrom() != null) {
      errors.add(
          new FieldError(
              "spec.restoreFrom", "an adopted pod is never restored into a new container"));
    }
    return errors;
  }

  /**
   * Geometry of a pool: range, gateway and reserved addresses inside the CIDR; start before end.
   */
  public static List<FieldError> pool(IpPoolSpec spec) {
    List<FieldError> errors = new ArrayList<>();
    try {
      Ipv4.inCidr(spec.gateway(), spec.cidr());
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError("spec.cidr", e.getMessage()));
      return errors;
    }
    if (!Ipv4.inCidr(spec.gateway(), spec.cidr())) {
      errors.add(new FieldError("spec.gateway", spec.gateway() + " is outside " + spec.cidr()));
    }
    if (!Ipv4.inCidr(spec.rangeStart(), spec.cidr())) {
      errors.add(
          new FieldError("spec.rangeStart", spec.rangeStart() + " is outside " + spec.cidr()));
    }
    if (!Ipv4.inCidr(spec.rangeEnd(), spec.cidr())) {
      errors.add(new FieldError("spec.rangeEnd", spec.rangeEnd() + " is outside " + spec.cidr()));
    }
    if (Ipv4.parse(spec.rangeStart()) > Ipv4.parse(spec.rangeEnd())) {
      errors.add(
          new FieldError(
              "spec.rangeEnd",
              "rangeEnd " + spec.rangeEnd() + " is before rangeStart " + spec.rangeStart()));
    }
    if (spec.reserved() != null) {
      for (int i = 0; i < spec.reserved().size(); i++) {
        if (!Ipv4.inCidr(spec.reserved().get(i), spec.cidr())) {
          errors.add(
              new FieldError(
                  "spec.reserved[" + i + "]",
                  spec.reserved().get(i) + " is outside " + spec.cidr()));
        }
      }
    }
    return errors;
  }

  /**
   * Why {@code ip} cannot be handed out from {@code pool}, or null if it can (ignoring other pods).
   */
  public static String ipProblem(String ip, String poolName, IpPoolSpec pool) {
    // the controller applies the same rules to the addresses it chooses
    return io.cloudpods.ipam.AddressRules.problem(ip, poolName, pool);
  }

  /**
   * What a (defaulted) pod spec chooses that its tenant does not allow: template, storage and IP
   * pool, each against {@code allowed} or, for a list the tenant does not have, the pod default of
   * {@code cloudpods.pods.*}. A value the stored object already has ({@code old}, null for a new
   * object) is not refused again, so narrowing a tenant's list does not make the manifests of its
   * running pods unappliable; only changing to a value outside it is.
   */
  public static List<FieldError> allowed(
      CloudPodSpec spec, CloudPodSpec old, TenantAllowed allowed, PodsConfig cfg) {
    return allowed(spec, old, allowed, cfg, null, null);
  }

  /**
   * Like {@link #allowed(CloudPodSpec, CloudPodSpec, TenantAllowed, PodsConfig)}; without lists of
   * its own a tenant may also use the template and storage its pod's cluster gives by default
   * ({@code ProxmoxCluster.spec.defaults}, null when it gives none).
   */
  public static List<FieldError> allowed(
      CloudPodSpec spec,
      CloudPodSpec old,
      TenantAllowed allowed,
      PodsConfig cfg,
      Integer clusterTemplate,
      String clusterStorage) {
    List<FieldError> errors = new ArrayList<>();
    List<Integer> templates =
        allowed == null || allowed.templates() == null
            ? withOptional(cfg.templateVmid(), clusterTemplate)
            : allowed.templates();
    List<String> storages =
        allowed == null || allowed.storages() == null
            ? withOptional(cfg.storage(), clusterStorage)
            : allowed.storages();
    List<String> pools =
        allowed == null || allowed.ipPools() == null ? List.of(cfg.ipPool()) : allowed.ipPools();
    check(
        errors,
        "spec.template",
        spec.template(),
        old == null ? null : old.template(),
        templates,
        "templates");
    check(
        errors,
        "spec.storage",
        spec.storage(),
        old == null ? null : old.storage(),
        storages,
        "storages");
    check(
        errors, "spec.ipPool", spec.ipPool(), old == null ? null : old.ipPool(), pools, "ipPools");
    return errors;
  }

  private static <T> List<T> withOptional(T always, T extra) {
    return extra == null || extra.equals(always) ? List.of(always) : List.of(always, extra);
  }

  private static <T> void check(
      List<FieldError> errors, String field, T value, T old, List<T> allowed, String list) {
    if (value == null || value.equals(old) || allowed.contains(value)) {
      return;
    }
    errors.add(
        new FieldError(
            field,
            value
                + " is not allowed for this tenant (spec.allowed."
                + list
                + ": "
                + allowed
                + ")"));
  }
}
