package io.cloudpods.api.v1alpha1;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Condition lists with apimachinery semantics: setting a condition replaces the one of the same
 * type, and {@code lastTransitionTime} changes only when its {@code status} flips.
 */
public final class Conditions {

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private Conditions() {}

  public static List<Condition> set(
      List<Condition> current,
      String type,
      String status,
      String reason,
      String message,
      long observedGeneration,
      Instant now) {
    List<Condition> out = new ArrayList<>(current == null ? List.of() : current);
    Optional<Condition> old = find(out, type);
    Instant transition =
        old.filter(c -> Objects.equals(c.status(), status))
            .map(Condition::lastTransitionTime)
            .orElse(now);
    Condition next = new Condition(type, status, reason, message, transition, observedGeneration);
    if (old.isPresent()) {
      out.set(out.indexOf(old.get()), next);
    } else {
      out.add(next);
    }
    return List.copyOf(out);
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.type())).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> TRUE.equals(c.status())).orElse(false);
  }

  public static boolean hasReason(List<Condition> conditions, String type, String reason) {
    return find(conditions, type).map(c -> reason.equals(c.reason())).orElse(false);
  }
}
