package io.cloudpods.backup.run;

import io.cloudpods.api.v1alpha1.Backup;
import io.cloudpods.api.v1alpha1.BackupPolicy;
import io.cloudpods.api.v1alpha1.BackupPolicyStatus;
import io.cloudpods.api.v1alpha1.BackupSpec;
import io.cloudpods.api.v1alpha1.BackupStatus;
import io.cloudpods.api.v1alpha1.ObjectMeta;
import io.cloudpods.store.BackupPolicyRecords;
import io.cloudpods.store.BackupRecords;
import io.cloudpods.store.ResourceKey;
import io.cloudpods.store.StoreConflictException;
import io.cloudpods.store.WriteOutcome;
import io.cloudpods.store.Written;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Backups and policies in memory, with resource versions and the V7 rule that deleting a Backup
 * with an archive marks it.
 */
final class InMemoryBackups implements BackupRecords {

  private final Map<ResourceKey, Backup> backups = new TreeMap<>(InMemoryBackups::order);
  private final Map<ResourceKey, BackupPolicy> policies = new TreeMap<>(InMemoryBackups::order);
  private final Clock clock;
  private long version = 1;

  InMemoryBackups(Clock clock) {
    this.clock = clock;
  }

  private static int order(ResourceKey a, ResourceKey b) {
    int t = a.tenant().compareTo(b.tenant());
    return t != 0 ? t : a.name().compareTo(b.name());
  }

  // ---- backups ----------------------------------------------------------------------------------

  @Override
  public synchronized Optional<Backup> get(ResourceKey key) {
    return Optional.ofNullable(backups.get(key));
  }

  @Override
  public synchronized List<Backup> list(String tenant) {
    return backups.values().stream()
        .filter(b -> tenant == null || tenant.equals(b.metadata().tenant()))
        .toList();
  }

  @Override
  public synchronized List<Backup> listByPod(String tenant, String pod) {
    return list(tenant).stream().filter(b -> pod.equals(b.spec().pod())).toList();
  }

  @Override
  public synchronized List<Backup> listByPolicy(String tenant, String policy) {
    return list(tenant).stream().filter(b -> policy.equals(b.spec().policy())).toList();
  }

  @Override
  public synchronized List<Backup> listActive() {
    return backups.values().stream()
        .filter(b -> b.metadata().deletionTimestamp() != null || !status(b).terminal())
        .toList();
  }

  @Override
  public synchronized Written<Backup> create(Backup backup) {
    ResourceKey key = ResourceKey.of(backup.metadata().tenant(), backup.metadata().name());
    if (backups.containsKey(key)) {
      return new Written<>(WriteOutcome.unchanged, backups.get(key));
    }
    BackupSpec s = backup.spec();
    BackupSpec spec =
        new BackupSpec(
            s.pod(),
            s.storage() == null ? "vzdump-backups" : s.storage(),
            s.mode() == null ? "snapshot" : s.mode(),
            s.compress() == null ? "zstd" : s.compress(),
            s.reason() == null ? "Manual" : s.reason(),
            s.protect() == null ? Boolean.FALSE : s.protect(),
            s.notes(),
            s.policy());
    ObjectMeta m = backup.metadata();
    Backup b =
        new Backup(
            "cloudpods.io/v1alpha1",
            "Backup",
            new ObjectMeta(
                m.name(),
                m.tenant(),
                m.labels() == null ? Map.of() : m.labels(),
                "uid-" + m.name(),
                1L,
                Long.toString(version++),
                clock.instant(),
                null,
                null),
            spec,
            BackupStatus.pending());
    backups.put(key, b);
    return new Written<>(WriteOutcome.created, b);
  }

  @Override
  public synchronized boolean updateStatus(ResourceKey key, BackupStatus status) {
    Backup b = backups.get(key);
    if (b == null) {
      return false;
    }
    backups.put(
        key, new Backup(b.apiVersion(), b.kind(), bump(b.metadata(), null), b.spec(), status));
    return true;
  }

  @Override
  public synchronized boolean updateStatus(ResourceKey key, BackupStatus status, String expected) {
    Backup b = backups.get(key);
    if (b != null && expected != null && !expected.equals(b.metadata().resourceVersion())) {
      throw new StoreConflictException("metadata.resourceVersion", "conflict");
    }
    return updateStatus(key, status);
  }

  @Override
  public synchronized Optional<Backup> markDeleted(ResourceKey key) {
    Backup b = backups.get(key);
    if (b == null) {
      return Optional.empty();
    }
    if (b.metadata().deletionTimestamp() == null) {
      b =
          new Backup(
              b.apiVersion(), b.kind(), bump(b.metadata(), clock.instant()), b.spec(), b.status());
      backups.put(key, b);
    }
    return Optional.of(b);
  }

  /** A DELETE as V7 handles it: gone at once without an archive, else marked. */
  synchronized boolean delete(ResourceKey key) {
    Backup b = backups.get(key);
    BackupStatus s = status(b);
    if ("Failed".equals(s.phase())
        || "Missing".equals(s.phase())
        || (s.volid() == null && s.taskRef() == null)) {
      backups.remove(key);
      return true;
    }
    markDeleted(key);
    return false;
  }

  @Override
  public synchronized boolean finalizeDeletion(ResourceKey key) {
    Backup b = backups.get(key);
    if (b == null || b.metadata().deletionTimestamp() == null) {
      return false;
    }
    backups.remove(key);
    return true;
  }

  @Override
  public synchronized List<ResourceKey> listKeys() {
    return new ArrayList<>(backups.keySet());
  }

  /** Sets spec.protected, as the API's PUT would. */
  synchronized void setProtected(ResourceKey key, boolean p) {
    Backup b = backups.get(key);
    backups.put(
        key,
        new Backup(
            b.apiVersion(),
            b.kind(),
            bump(b.metadata(), b.metadata().deletionTimestamp()),
            b.spec().withProtectionAndNotes(p, b.spec().notes()),
            b.status()));
  }

  // ---- policies ---------------------------------------------------------------------------------

  synchronized void putPolicy(BackupPolicy p) {
    ResourceKey key = ResourceKey.of(p.metadata().tenant(), p.metadata().name());
    ObjectMeta m = p.metadata();
    policies.put(
        key,
        new BackupPolicy(
            p.apiVersion(),
            p.kind(),
            new ObjectMeta(
                m.name(),
                m.tenant(),
                m.labels(),
                "uid-" + m.name(),
                1L,
                Long.toString(version++),
                m.creationTimestamp() == null ? clock.instant() : m.creationTimestamp(),
                null,
                null),
            p.spec(),
            p.status()));
  }

  synchronized Optional<BackupPolicy> policy(ResourceKey key) {
    return Optional.ofNullable(policies.get(key));
  }

  synchronized boolean updateStatus(ResourceKey key, BackupPolicyStatus status) {
    BackupPolicy p = policies.get(key);
    if (p == null) {
      return false;
    }
    policies.put(
        key,
        new BackupPolicy(p.apiVersion(), p.kind(), bump(p.metadata(), null), p.spec(), status));
    return true;
  }

  synchronized boolean updateStatus(ResourceKey key, BackupPolicyStatus status, String expected) {
    BackupPolicy p = policies.get(key);
    if (p != null && expected != null && !expected.equals(p.metadata().resourceVersion())) {
      throw new StoreConflictException("metadata.resourceVersion", "conflict");
    }
    return updateStatus(key, status);
  }

  /** The policy view of the records (BackupRecords and BackupPolicyRecords share names). */
  BackupPolicyRecords policies() {
    InMemoryBackups self = this;
    return new BackupPolicyRecords() {
      @Override
      public Optional<BackupPolicy> get(ResourceKey key) {
        return self.policy(key);
      }

      @Override
      public List<BackupPolicy> list(String tenant) {
        synchronized (self) {
          return policies.values().stream()
              .filter(p -> tenant == null || tenant.equals(p.metadata().tenant()))
              .toList();
        }
      }

      @Override
      public boolean updateStatus(ResourceKey key, BackupPolicyStatus status) {
        return self.updateStatus(key, status);
      }

      @Override
      public boolean updateStatus(ResourceKey key, BackupPolicyStatus status, String expected) {
        return self.updateStatus(key, status, expected);
      }

      @Override
      public List<ResourceKey> listKeys() {
        synchronized (self) {
          return List.copyOf(policies.keySet());
        }
      }
    };
  }

  private ObjectMeta bump(ObjectMeta m, java.time.Instant deletion) {
    return new ObjectMeta(
        m.name(),
        m.tenant(),
        m.labels(),
        m.uid(),
        m.generation(),
        Long.toString(version++),
        m.creationTimestamp(),
        deletion == null ? m.deletionTimestamp() : deletion,
        m.ownerReference());
  }

  private static BackupStatus status(Backup b) {
    return b.status() == null ? BackupStatus.pending() : b.status();
  }
}
