package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupPolicy;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.api.v1alpha1.CloudPodSpec;
import io.cloudpods.api.v1alpha1.Kind;
import io.cloudpods.api.v1alpha1.Restore;
import io.cloudpods.api.v1alpha1.RestoreSpec;
import io.cloudpods.api.v1alpha1.Tenant;
import io.cloudpods.api.v1alpha1.TenantAllowed;
import io.cloudpods.auth.Caller;
import io.cloudpods.store.BackupDefaults;
import io.cloudpods.store.BackupPolicyStore;
import io.cloudpods.store.BackupStore;
import io.cloudpods.store.CloudPodStore;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.RestoreStore;
import io.cloudpods.store.Written;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The part of {@link Admission} for BackupPolicy, Backup and Restore, and for a CloudPod's {@code
 * spec.restoreFrom}: defaults, the checks that need no database, and, under the tenant's row lock,
 * the checks against stored state and the write.
 */
@ApplicationScoped
public class BackupAdmission {
  private final BackupPolicyStore policies;
  private final BackupStore backups;
  private final RestoreStore restores;
  private final CloudPodStore pods;
  private final BackupDefaults defaults;

  public BackupAdmission(
      BackupPolicyStore policies,
      BackupStore backups,
      RestoreStore restores,
      CloudPodStore pods,
      BackupDefaults defaults) {
    this.policies = policies;
    this.backups = backups;
    this.restores = restores;
    this.pods = pods;
    this.defaults = defaults;
  }

  /** The wire record of one of the three kinds. */
  static Class<?> recordType(Kind kind) {
    return switch (kind) {
      case BackupPolicy -> BackupPolicy.class;
      case Backup -> Backup.class;
      case Restore -> Restore.class;
      default -> throw new IllegalArgumentException("not a backup kind: " + kind);
    };
  }

  Object withDefaults(Kind kind, Object o) {
    return switch (kind) {
      case BackupPolicy -> {
        BackupPolicy p = (BackupPolicy) o;
        yield new BackupPolicy(
            p.apiVersion(), p.kind(), p.metadata(), defaults.policy(p.spec()), null);
      }
      case Backup -> {
        Backup b = (Backup) o;
        yield new Backup(b.apiVersion(), b.kind(), b.metadata(), defaults.backup(b.spec()), null);
      }
      case Restore -> {
        Restore r = (Restore) o;
        yield new Restore(
            r.apiVersion(),
            r.kind(),
            r.metadata(),
            defaults.restore(r.spec(), r.metadata().name()),
            null);
      }
      default -> o;
    };
  }

  /** Problems of a defaulted object that need no database (422). */
  static List<FieldError> rules(Kind kind, Object o) {
    return switch (kind) {
      case BackupPolicy -> BackupSpecRules.policy(((BackupPolicy) o).spec());
      case Restore -> BackupSpecRules.restore(((Restore) o).spec());
      default -> List.of();
    };
  }

  /** What the caller may not ask of a defaulted object (403), whatever is stored. */
  static List<FieldError> forbidden(Kind kind, Object o, Caller caller) {
    if (kind == Kind.Backup) {
      return BackupSpecRules.backupForbidden(((Backup) o).spec(), caller.isAdmin());
    }
    return List.of();
  }

  /** Checks {@code object} against what is stored and writes it; {@code tenant} is locked. */
  Written<?> write(
      Kind kind, ResourceKey key, Object object, String resourceVersion, Tenant tenant) {
    return switch (kind) {
      case BackupPolicy -> writePolicy(key, (BackupPolicy) object, resourceVersion, tenant);
      case Backup -> writeBackup(key, (Backup) object, resourceVersion, tenant);
      case Restore -> writeRestore(key, (Restore) object, resourceVersion);
      default -> throw new IllegalArgumentException("not a backup kind: " + kind);
    };
  }

  private Written<BackupPolicy> writePolicy(
      ResourceKey key, BackupPolicy policy, String resourceVersion, Tenant tenant) {
    String old = policies.get(key).map(p -> p.spec().storage()).orElse(null);
    checkStorage(tenant, policy.spec().storage(), old);
    return policies.put(policy, resourceVersion);
  }

  private Written<Backup> writeBackup(
      ResourceKey key, Backup backup, String resourceVersion, Tenant tenant) {
    BackupSpec spec = backup.spec();
    Optional<Backup> stored = backups.get(key);
    if (stored.isPresent()) {
      List<FieldError> changed = BackupSpecRules.backupImmutable(stored.get().spec(), spec);
      if (!changed.isEmpty()) {
        throw ApiException.invalid(
            changed.stream()
                .map(
                    e ->
                        new FieldError(
                            e.field(),
                            e.message() + "; only spec.protected and spec.notes may change"))
                .toList());
      }
    } else {
      io.cloudpods.api.v1alpha1.CloudPod pod =
          pods.get(ResourceKey.of(key.tenant(), spec.pod()))
              .orElseThrow(
                  () ->
                      ApiException.invalid(
                          "spec.pod",
                          "CloudPod '"
                              + spec.pod()
                              + "' does not exist in tenant "
                              + key.tenant()));
      if (pod.metadata().deletionTimestamp() != null) {
        throw ApiException.invalid(
            "spec.pod", "CloudPod '" + spec.pod() + "' is being deleted; it takes no new backups");
      }
    }
    checkStorage(tenant, spec.storage(), stored.map(b -> b.spec().storage()).orElse(null));
    return backups.put(backup, resourceVersion);
  }

  private Written<Restore> writeRestore(ResourceKey key, Restore restore, String resourceVersion) {
    RestoreSpec spec = restore.spec();
    Optional<Restore> stored = restores.get(key);
    if (stored.isPresent()) {
      List<FieldError> changed = BackupSpecRules.restoreImmutable(stored.get().spec(), spec);
      if (!changed.isEmpty()) {
        throw ApiException.invalid(changed);
      }
      return restores.put(restore, resourceVersion);
    }
    Backup backup = completedBackup(key.tenant(), spec.backup(), "spec.backup");
    if (spec.target().isInPlace()) {
      if (pods.stored(ResourceKey.of(key.tenant(), backup.spec().pod())).isEmpty()) {
        throw ApiException.invalid(
            "spec.target.inPlace",
            "CloudPod '"
                + backup.spec().pod()
                + "' of Backup "
                + backup.metadata().name()
                + " no longer exists; restore it as a new pod (spec.target.podName)");
      }
    } else if (pods.stored(ResourceKey.of(key.tenant(), spec.target().podName())).isPresent()) {
      throw ApiException.invalid(
          "spec.target.podName",
          "CloudPod '"
              + spec.target().podName()
              + "' exists already; name a new pod, or restore in place (spec.target.inPlace)");
    }
    return restores.put(restore, resourceVersion);
  }

  /**
   * The spec of the pod a new Restore will create (the live backed-up pod's, else the one the
   * Backup recorded); empty for an in-place Restore, an update of a stored one, or a Restore
   * refused anyway (its write names why).
   */
  Optional<CloudPodSpec> newPodOf(ResourceKey key, Restore restore) {
    RestoreSpec spec = restore.spec();
    if (restores.get(key).isPresent()
        || spec == null
        || spec.target() == null
        || spec.target().isInPlace()
        || spec.backup() == null) {
      return Optional.empty();
    }
    return backups
        .get(ResourceKey.of(key.tenant(), spec.backup()))
        .flatMap(
            b ->
                pods.stored(ResourceKey.of(key.tenant(), b.spec().pod()))
                    .map(CloudPodStore.StoredPod::spec)
                    .or(() -> Optional.ofNullable(b.status()).map(BackupStatus::podSpec)));
  }

  /**
   * {@code spec.restoreFrom} of a CloudPod write: immutable once the pod is stored, and naming a
   * Completed Backup of the tenant when the pod is created.
   */
  void checkRestoreFrom(ResourceKey pod, CloudPodSpec spec, CloudPodSpec stored) {
    if (stored != null) {
      if (!Objects.equals(stored.restoreFrom(), spec.restoreFrom())) {
        throw ApiException.invalid(
            "spec.restoreFrom",
            "is immutable (stored: "
                + stored.restoreFrom()
                + ", requested: "
                + spec.restoreFrom()
                + ")");
      }
      return;
    }
    if (spec.restoreFrom() != null) {
      completedBackup(pod.tenant(), spec.restoreFrom(), "spec.restoreFrom");
    }
  }

  private Backup completedBackup(String tenant, String name, String field) {
    Backup backup =
        backups
            .get(ResourceKey.of(tenant, name))
            .orElseThrow(
                () ->
                    ApiException.invalid(
                        field, "Backup '" + name + "' does not exist in tenant " + tenant));
    BackupStatus status = backup.status();
    if (!BackupStatus.PHASE_COMPLETED.equals(status.phase())
        || backup.metadata().deletionTimestamp() != null) {
      throw ApiException.invalid(
          field,
          "Backup '"
              + name
              + "' is "
              + (backup.metadata().deletionTimestamp() != null ? "being deleted" : status.phase())
              + "; only a Completed backup can be restored");
    }
    return backup;
  }

  /** 403 naming {@code spec.storage} when the tenant may not use that backup storage. */
  private void checkStorage(Tenant tenant, String storage, String old) {
    TenantAllowed allowed = tenant.spec() == null ? null : tenant.spec().allowed();
    List<FieldError> refused =
        new ArrayList<>(
            BackupSpecRules.storageAllowed(storage, old, allowed, defaults.config().storage()));
    if (!refused.isEmpty()) {
      throw new ApiException(
          403,
          "Forbidden",
          "tenant "
              + tenant.metadata().name()
              + ": "
              + refused.get(0).field()
              + ": "
              + refused.get(0).message(),
          refused);
    }
  }
}
