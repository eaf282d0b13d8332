package io.cloudpods.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.proxmox.FencedException;
import io.cloudpods.replica.ClusterLease;
import io.cloudpods.replica.LeaseFixture;
import io.cloudpods.restore.RestoreReconciler;
import io.cloudpods.store.BackupPolicyRecords;
import io.cloudpods.store.BackupRecords;
import io.cloudpods.store.OwnedPods;
import io.cloudpods.store.PodSetWriter;
import io.cloudpods.store.RestoreRecords;
import io.cloudpods.store.TenantRecords;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row the controllers write besides a pod's own (Backups, policies, Restores, PodSets and the
 * pods they own, tenants) is written only with the database's proof that this replica holds the
 * lease, and reads never ask for one. Each decorator is checked method by method against a
 * recording store: the table names the writes, so a write method added to a store interface and
 * passed through unfenced fails here.
 */
class FencedRecordsTest {

  /** One decorator: the store interface it wraps, how it is made, and which methods write. */
  record Fenced<T>(Class<T> store, BiFunction<T, ClusterLease, Object> wrap, Set<String> writes) {
    @Override
    public String toString() {
      return store.getSimpleName();
    }
  }

  static Stream<Arguments> decorators() {
    return Stream.of(
            new Fenced<>(
                BackupRecords.class,
                FencedBackupRecords::new,
                Set.of("create", "updateStatus", "markDeleted", "finalizeDeletion")),
            new Fenced<>(
                BackupPolicyRecords.class, FencedBackupPolicyRecords::new, Set.of("updateStatus")),
            new Fenced<>(
                RestoreRecords.class,
                FencedRestoreRecords::new,
                Set.of("updateStatus", "finalizeDeletion")),
            new Fenced<>(
                RestoreReconciler.PodWriter.class, FencedRestorePods::new, Set.of("create")),
            new Fenced<>(
                PodSetWriter.class,
                (w, l) ->
                    new FencedPodSetRecords(w, recording(OwnedPods.class, new ArrayList<>()), l),
                Set.of("updateStatus", "finalizeDeletion")),
            new Fenced<>(
                OwnedPods.class,
                (o, l) ->
                    new FencedPodSetRecords(recording(PodSetWriter.class, new ArrayList<>()), o, l),
                Set.of("upsertOwned", "markDeleted")),
            new Fenced<>(
                TenantRecords.class,
                FencedTenantRecords::new,
                Set.of("markContents", "updateConditions", "finalizeDeletion")))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decorators")
  <T> void theLeaseHolder_makesEveryWrite_eachWithOneProof(Fenced<T> f) throws Exception {
    LeaseFixture leases = new LeaseFixture("west");
    List<String> calls = new ArrayList<>();
    Object fenced = f.wrap().apply(recording(f.store(), calls), leases.lease());
    leases.take();

    for (Method m : methods(f.store())) {
      int before = leases.proofs();
      invoke(fenced, m);
      boolean write = f.writes().contains(m.getName());
      assertThat(calls).as(m.toString()).endsWith(m.getName());
      assertThat(leases.proofs() - before)
          .as(m.getName() + (write ? " is a write: one proof" : " is a read: no proof"))
          .isEqualTo(write ? 1 : 0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decorators")
  <T> void aReplicaWokenAfterTheLeaseMovedOn_makesNoWrite_butStillReads(Fenced<T> f)
      throws Exception {
    LeaseFixture leases = new LeaseFixture("west");
    List<String> calls = new ArrayList<>();
    Object fenced = f.wrap().apply(recording(f.store(), calls), leases.lease());
    leases.take();
    leases.pausedWhileBTakesOver();

    for (Method m : methods(f.store())) {
      calls.clear();
      if (f.writes().contains(m.getName())) {
        assertThatThrownBy(() -> invoke(fenced, m))
            .as(m.toString())
            .isInstanceOf(FencedException.class)
            .hasMessageContaining("not made")
            .hasMessageContaining("does not hold the lease of cluster west");
        assertThat(calls).as(m + " reached the store").isEmpty();
      } else {
        invoke(fenced, m);
        assertThat(calls).as(m.toString()).containsExactly(m.getName());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decorators")
  <T> void everyWriteTheTableNames_isAMethodOfTheStore(Fenced<T> f) {
    assertThat(methods(f.store()).stream().map(Method::getName)).containsAll(f.writes());
  }

  private static List<Method> methods(Class<?> store) {
    return Arrays.stream(store.getMethods())
        .filter(m -> !m.isDefault() && !java.lang.reflect.Modifier.isStatic(m.getModifiers()))
        .sorted(Comparator.comparing(Method::toString))
        .toList();
  }

  private static void invoke(Object fenced, Method m) throws Exception {
    Method impl = fenced.getClass().getMethod(m.getName(), m.getParameterTypes());
    impl.setAccessible(true);
    Object[] args = new Object[m.getParameterCount()];
    for (int i = 0; i < args.length; i++) {
      args[i] = placeholder(m.getParameterTypes()[i]);
    }
    try {
      impl.invoke(fenced, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static Object placeholder(Class<?> type) {
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    if (type == boolean.class) {
      return false;
    }
    if (type == io.cloudpods.store.ResourceKey.class) {
      return io.cloudpods.store.ResourceKey.of("acme", "web-1");
    }
    if (type == String.class) {
      return "acme";
    }
    if (type == io.cloudpods.api.v1alpha1.Backup.class) {
      return io.cloudpods.api.v1alpha1.Backup.of(
          io.cloudpods.api.v1alpha1.ObjectMeta.named("acme", "web-1-final"), null);
    }
    if (type == io.cloudpods.api.v1alpha1.CloudPod.class) {
      return io.cloudpods.api.v1alpha1.CloudPod.of(
          io.cloudpods.api.v1alpha1.ObjectMeta.named("acme", "web-2"), null);
    }
    return null;
  }

  /** A store that answers every call with an empty value and records the method's name. */
  @SuppressWarnings("unchecked")
  private static <T> T recording(Class<T> store, List<String> calls) {
    return (T)
        Proxy.newProxyInstance(
            store.getClassLoader(),
            new Class<?>[] {store},
            (proxy, m, args) -> {
              if (m.getDeclaringClass() == Object.class) {
                return m.getName().equals("toString") ? store.getSimpleName() : null;
              }
              calls.add(m.getName());
              Class<?> r = m.getReturnType();
              if (r == boolean.class) {
                return true;
              }
              if (r == Optional.class) {
                return Optional.empty();
              }
              if (r == List.class) {
                return List.of();
              }
              return null;
            });
  }
}
