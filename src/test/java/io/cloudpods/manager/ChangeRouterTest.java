package io.cloudpods.manager;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.cloudpod.observe.ConvergenceCache;
import io.cloudpods.store.ResourceKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChangeRouterTest {

  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private final ConvergenceCache cache = new ConvergenceCache(Duration.ofMinutes(10));
  private final List<ResourceKey> pods = new ArrayList<>();
  private final List<ResourceKey> sets = new ArrayList<>();
  private final List<ResourceKey> all = List.of(ResourceKey.of("t", "a"), ResourceKey.of("t", "b"));
  private final List<ResourceKey> tenants = new ArrayList<>();
  private final ChangeRouter router =
      new ChangeRouter(cache, pods::add, sets::add, () -> all, tenants::add);

  @Test
  void podChange_forgetsItsFullReadAndEnqueuesItAndItsPodSet() {
    ResourceKey key = ResourceKey.of("t", "web-1");
    cache.verified(key, 1, NOW);

    router.accept(new ChangeListener.Change("CloudPod", "t", "web-1", "UPDATE", "web"));

    assertThat(pods).containsExactly(key);
    assertThat(sets).containsExactly(ResourceKey.of("t", "web"));
    assertThat(cache.current(key, 1, NOW)).isEmpty();
  }

  @Test
  void standalonePodChange_wakesNoPodSet() {
    router.accept(new ChangeListener.Change("CloudPod", "t", "db", "INSERT", null));

    assertThat(pods).containsExactly(ResourceKey.of("t", "db"));
    assertThat(sets).isEmpty();
  }

  @Test
  void podSetChange_wakesOnlyThePodSet() {
    router.accept(new ChangeListener.Change("PodSet", "t", "web", "UPDATE", null));

    assertThat(sets).containsExactly(ResourceKey.of("t", "web"));
    assertThat(pods).isEmpty();
  }

  @Test
  void poolOrTenantChange_forgetsEveryFullReadAndEnqueuesEveryPod() {
    ResourceKey a = ResourceKey.of("t", "a");
    cache.verified(a, 1, NOW);
    cache.settled(a, UUID.randomUUID(), 1);

    router.accept(new ChangeListener.Change("IpPool", null, "default", "UPDATE", null));

    assertThat(pods).containsExactlyElementsOf(all);
    assertThat(cache.everVerified(a)).isFalse();
  }

  @Test
  void tenantChange_wakesTheTenantAndEveryPod() {
    router.accept(new ChangeListener.Change("Tenant", null, "acme", "UPDATE", null));

    assertThat(tenants).containsExactly(ResourceKey.cluster("acme"));
    assertThat(pods).containsExactlyElementsOf(all);
  }

  @Test
  void removalOfAPodOrPodSet_wakesItsTenant_otherChangesDoNot() {
    router.accept(new ChangeListener.Change("CloudPod", "acme", "db", "UPDATE", null));
    router.accept(new ChangeListener.Change("PodSet", "acme", "web", "INSERT", null));
    assertThat(tenants).isEmpty();

    router.accept(new ChangeListener.Change("CloudPod", "acme", "db", "DELETE", null));
    router.accept(new ChangeListener.Change("PodSet", "acme", "web", "DELETE", null));

    assertThat(tenants).containsExactly(ResourceKey.cluster("acme"), ResourceKey.cluster("acme"));
  }

  @Test
  void unknownKind_isIgnored() {
    router.accept(new ChangeListener.Change("Backup", "t", "x", "INSERT", null));

    assertThat(pods).isEmpty();
    assertThat(sets).isEmpty();
  }
}
