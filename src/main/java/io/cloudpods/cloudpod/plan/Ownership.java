package io.cloudpods.cloudpod.plan;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Our ownership marker, readable from Proxmox alone (list calls show tags live): the tag {@value
 * #MANAGED_TAG} plus {@code cp-<pod uid>}. A guest without both is never modified or destroyed.
 * Tenant and PodSet tags are informational and are kept in sync like any config.
 */
public final class Ownership {

  /** Tag on every container the controller created. */
  public static final String MANAGED_TAG = "cloudpods";

  private static final String UID_PREFIX = "cp-";

  /**
   * The label of a pod created to adopt an orphan ({@code cloudpods orphans adopt}): the uid in the
   * orphan's marker, which that pod may take over.
   */
  public static final String ADOPT_ORPHAN_LABEL = "cloudpods-adopt-orphan";

  private Ownership() {}

  public static String uidTag(String uid) {
    return UID_PREFIX + uid.toLowerCase(Locale.ROOT);
  }

  /** True when {@code tags} carry the marker of the pod with {@code uid}. */
  public static boolean ownedBy(Set<String> tags, String uid) {
    return tags.contains(MANAGED_TAG) && tags.contains(uidTag(uid));
  }

  /** True when {@code tags} carry a CloudPods marker of any pod. */
  public static boolean managed(java.util.Collection<String> tags) {
    return tags.contains(MANAGED_TAG) && tags.stream().anyMatch(t -> t.startsWith(UID_PREFIX));
  }

  /** The uid in the marker, if the tags carry one. */
  public static java.util.Optional<String> ownerUid(java.util.Collection<String> tags) {
    if (!tags.contains(MANAGED_TAG)) {
      return java.util.Optional.empty();
    }
    return tags.stream()
        .filter(t -> t.startsWith(UID_PREFIX))
        .map(t -> t.substring(UID_PREFIX.length()))
        .findFirst();
  }

  /** The full tag set a pod's container carries. */
  public static Set<String> tagsFor(String uid, String tenant, java.util.Optional<String> podSet) {
    Set<String> tags = new TreeSet<>();
    tags.add(MANAGED_TAG);
    tags.add(uidTag(uid));
    tags.add("tenant-" + tagSafe(tenant));
    podSet.ifPresent(p -> tags.add("podset-" + tagSafe(p)));
    return tags;
  }

  /** Proxmox tags match {@code [a-z0-9_][a-z0-9_\-+.]*}; anything else becomes {@code _}. */
  static String tagSafe(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    StringBuilder b = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '+'
              || c == '.';
      b.append(ok ? c : '_');
    }
    return b.toString();
  }

  /** True when {@code description} is the one written on clone for the pod with {@code uid}. */
  public static boolean describes(String description, String uid) {
    return description.startsWith("Managed by CloudPods.")
        && description.lines().anyMatch(l -> l.trim().equals("uid: " + uid));
  }

  /** The description written on clone: a human-readable copy of the marker. */
  public static String description(String uid, String tenant, String name) {
    return "Managed by CloudPods. Do not edit by hand: changes are reverted.\n"
        + "pod: "
        + tenant
        + "/"
        + name
        + "\n"
        + "uid: "
        + uid;
  }
}
