package io.cloudpods.apiserver;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import io.cloudpods.api.v1alpha1.BackupPolicySpec;
import io.cloudpods.api.v1alpha1.BackupRetention;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.RestoreSpec;
import io.cloudpods.api.v1alpha1.TenantAllowed;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks of BackupPolicy, Backup and Restore specs beyond their schemas that need no database (cron
 * expression, time zone, retention, who may create which reason, restore target), and which backup
 * storages a tenant may name.
 */
public final class BackupSpecRules {

  /** Unix cron: five fields, minute hour day-of-month month day-of-week. */
  private static final CronParser CRON =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private BackupSpecRules() {}

  /** Problems of a (defaulted) policy spec, each naming its field. */
  public static List<FieldError> policy(BackupPolicySpec spec) {
    List<FieldError> errors = new ArrayList<>();
    String cron = cronProblem(spec.schedule());
    if (cron != null) {
      errors.add(new FieldError("spec.schedule", cron));
    }
    if (spec.timeZone() != null) {
      try {
        ZoneId.of(spec.timeZone());
      } catch (DateTimeException e) {
        errors.add(
            new FieldError(
                "spec.timeZone",
                "'"
                    + spec.timeZone()
                    + "' is not a time zone id (IANA, e.g. Europe/Berlin or UTC)"));
      }
    }
    BackupRetention r = spec.retention();
    if (r != null) {
      nonNegative(errors, "keepLast", r.keepLast());
      nonNegative(errors, "keepHourly", r.keepHourly());
      nonNegative(errors, "keepDaily", r.keepDaily());
      nonNegative(errors, "keepWeekly", r.keepWeekly());
      nonNegative(errors, "keepMonthly", r.keepMonthly());
      nonNegative(errors, "keepYearly", r.keepYearly());
    }
    return errors;
  }

  /** Why {@code expression} is not a five-field Unix cron expression, or null if it is one. */
  public static String cronProblem(String expression) {
    if (expression == null || expression.isBlank()) {
      return "required: a cron expression of five fields (minute hour day-of-month month"
          + " day-of-week), e.g. '0 2 * * *'";
    }
    try {
      CRON.parse(expression.trim()).validate();
      return null;
    } catch (IllegalArgumentException e) {
      return "'"
          + expression
          + "' is not a Unix cron expression (minute hour day-of-month month day-of-week): "
          + e.getMessage();
    }
  }

  private static void nonNegative(List<FieldError> errors, String name, Integer value) {
    if (value != null && value < 0) {
      errors.add(new FieldError("spec.retention." + name, "must be 0 or more, not " + value));
    }
  }

  /**
   * What a caller who is not an admin may not ask of a backup: any reason but {@code Manual} (the
   * others are the controller's). Answered as 403.
   */
  public static List<FieldError> backupForbidden(BackupSpec spec, boolean admin) {
    if (admin || BackupSpec.REASON_MANUAL.equals(spec.reason())) {
      return List.of();
    }
    return List.of(
        new FieldError(
            "spec.reason",
            "only the controller (or an admin) creates "
                + spec.reason()
                + " backups; a tenant may create Manual ones"));
  }

  /** A restore target names either a new pod or {@code inPlace: true}, not both. */
  public static List<FieldError> restore(RestoreSpec spec) {
    RestoreSpec.RestoreTarget t = spec.target();
    if (t != null && t.podName() != null && t.isInPlace()) {
      return List.of(
          new FieldError(
              "spec.target",
              "give either podName (restore as a new pod) or inPlace: true, not both"));
    }
    return List.of();
  }

  /**
   * Whether a tenant may name {@code storage} for a backup: it must be in {@code
   * spec.allowed.backupStorages}, or be {@code fallback} (the default backup storage) when the
   * tenant has no such list. The value the stored object already has ({@code old}) stays allowed.
   */
  public static List<FieldError> storageAllowed(
      String storage, String old, TenantAllowed allowed, String fallback) {
    List<String> storages =
        allowed == null || allowed.backupStorages() == null
            ? List.of(fallback)
            : allowed.backupStorages();
    if (storage == null || Objects.equals(storage, old) || storages.contains(storage)) {
      return List.of();
    }
    return List.of(
        new FieldError(
            "spec.storage",
            storage
                + " is not allowed for this tenant (spec.allowed.backupStorages: "
                + storages
                + ")"));
  }

  /**
   * The fields of a stored Backup's spec that a write changes and may not: all but {@code
   * protected} and {@code notes}.
   */
  public static List<FieldError> backupImmutable(BackupSpec stored, BackupSpec next) {
    List<FieldError> errors = new ArrayList<>();
    immutable(errors, "spec.pod", stored.pod(), next.pod());
    immutable(errors, "spec.storage", stored.storage(), next.storage());
    immutable(errors, "spec.mode", stored.mode(), next.mode());
    immutable(errors, "spec.compress", stored.compress(), next.compress());
    immutable(errors, "spec.reason", stored.reason(), next.reason());
    immutable(errors, "spec.policy", stored.policy(), next.policy());
    return errors;
  }

  /** A Restore's spec does not change once it is stored. */
  public static List<FieldError> restoreImmutable(RestoreSpec stored, RestoreSpec next) {
    List<FieldError> errors = new ArrayList<>();
    immutable(errors, "spec.backup", stored.backup(), next.backup());
    immutable(errors, "spec.target", stored.target(), next.target());
    return errors;
  }

  private static void immutable(List<FieldError> errors, String field, Object old, Object now) {
    if (!Objects.equals(old, now)) {
      errors.add(
          new FieldError(field, "is immutable (stored: " + old + ", requested: " + now + ")"));
    }
  }
}
