package io.cloudpods.cloudpod;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.testsupport.PostgresResource;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The application started with flat keys of earlier releases: it starts (no unknown-property
 * failure), the injected {@link ReconcileConfig} has their values, and the resync schedule, whose
 * expression names the new key, follows the old one.
 */
@QuarkusTest
@TestProfile(LegacyReconcileKeysQuarkusTest.OldKeys.class)
@WithTestResource(PostgresResource.class)
class LegacyReconcileKeysQuarkusTest {

  public static class OldKeys implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "cloudpods.reconcile.task-poll-interval", "123ms",
          "cloudpods.reconcile.max-tasks-per-node", "3",
          "cloudpods.reconcile.resync-interval", "1h");
    }
  }

  @Inject ReconcileConfig config;
  @Inject Scheduler scheduler;

  @Test
  void oldKeys_reachTheInjectedMapping() {
    assertThat(config.tasks().pollInterval()).isEqualTo(Duration.ofMillis(123));
    assertThat(config.limits().tasksPerNode()).isEqualTo(3);
    assertThat(config.resync().interval()).isEqualTo(Duration.ofHours(1));
    assertThat(
            ConfigProvider.getConfig()
                .getValue("cloudpods.reconcile.tasks.poll-interval", String.class))
        .isEqualTo("123ms");
  }

  @Test
  void oldResyncInterval_delaysTheScheduledResync() {
    Trigger resync =
        scheduler.getScheduledJobs().stream()
            .filter(
                t ->
                    t.getMethodDescription() != null
                        && t.getMethodDescription().contains("scheduledResync"))
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no scheduled resync among " + scheduler.getScheduledJobs()));

    // delayed = every = 1h from the old key; the default would fire within 30 s
    assertThat(resync.getNextFireTime()).isAfter(Instant.now().plus(Duration.ofMinutes(30)));
  }
}
