package io.cloudpods.cloudpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

/** The flat keys of earlier releases, read for the grouped keys of {@link ReconcileConfig}. */
class LegacyReconcileKeysTest {

  private final List<String> warnings = new ArrayList<>();

  private static ConfigSource file(Map<String, String> properties) {
    return new PropertiesConfigSource(properties, "config/application.properties", 260);
  }

  private static ConfigSource env(Map<String, String> variables) {
    return new EnvConfigSource(variables, 300);
  }

  private SmallRyeConfigBuilder builder(ConfigSource... sources) {
    return new SmallRyeConfigBuilder()
        .addDefaultInterceptors()
        .withInterceptors(new LegacyReconcileKeys(new HashSet<>(), warnings::add))
        .withConverter(Duration.class, 200, new DurationConverter())
        .withSources(sources)
        .withMapping(ReconcileConfig.class);
  }

  private SmallRyeConfig config(ConfigSource... sources) {
    return builder(sources).build().unwrap(SmallRyeConfig.class);
  }

  private ReconcileConfig reconcile(ConfigSource... sources) {
    return config(sources).getConfigMapping(ReconcileConfig.class);
  }

  @Test
  void oldKey_only_isRead() {
    ReconcileConfig c = reconcile(file(Map.of("cloudpods.reconcile.task-poll-interval", "250ms")));

    assertThat(c.tasks().pollInterval()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void newKey_only_isRead() {
    ReconcileConfig c = reconcile(file(Map.of("cloudpods.reconcile.tasks.poll-interval", "250ms")));

    assertThat(c.tasks().pollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(warnings).isEmpty();
  }

  @Test
  void bothKeys_inOneSource_newKeyWins() {
    ReconcileConfig c =
        reconcile(
            file(
                Map.of(
                    "cloudpods.reconcile.task-poll-interval", "250ms",
                    "cloudpods.reconcile.tasks.poll-interval", "750ms")));

    assertThat(c.tasks().pollInterval()).isEqualTo(Duration.ofMillis(750));
  }

  @Test
  void newKeyInFile_winsOverOldKeyInEnvironment() {
    ReconcileConfig c =
        reconcile(
            file(Map.of("cloudpods.reconcile.tasks.poll-interval", "750ms")),
            env(Map.of("CLOUDPODS_RECONCILE_TASK_POLL_INTERVAL", "250ms")));

    assertThat(c.tasks().pollInterval()).isEqualTo(Duration.ofMillis(750));
    assertThat(warnings)
        .containsExactly(
            "cloudpods.reconcile.task-poll-interval is deprecated; use cloudpods.reconcile.tasks.poll-interval"
                + " (environment variable CLOUDPODS_RECONCILE_TASK_POLL_INTERVAL: use CLOUDPODS_RECONCILE_TASKS_POLL_INTERVAL);"
                + " cloudpods.reconcile.tasks.poll-interval is set too, so cloudpods.reconcile.task-poll-interval is ignored");
  }

  @Test
  void oldKey_asEnvironmentVariable_isRead() {
    ReconcileConfig c =
        reconcile(
            env(
                Map.of(
                    "CLOUDPODS_RECONCILE_TASK_POLL_INTERVAL", "250ms",
                    "CLOUDPODS_RECONCILE_MAX_TASKS_PER_NODE", "3")));

    assertThat(c.tasks().pollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.limits().tasksPerNode()).isEqualTo(3);
  }

  @Test
  void newKey_asEnvironmentVariable_winsOverOldKeyInFile() {
    ReconcileConfig c =
        reconcile(
            file(Map.of("cloudpods.reconcile.task-poll-interval", "250ms")),
            env(Map.of("CLOUDPODS_RECONCILE_TASKS_POLL_INTERVAL", "750ms")));

    assertThat(c.tasks().pollInterval()).isEqualTo(Duration.ofMillis(750));
  }

  @Test
  void environmentVariableNamingOldAndNewKey_isReadWithoutWarning() {
    ReconcileConfig c =
        reconcile(
            env(
                Map.of(
                    "CLOUDPODS_RECONCILE_RESYNC_INTERVAL", "7s",
                    "CLOUDPODS_RECONCILE_BACKOFF_BASE", "300ms",
                    "CLOUDPODS_RECONCILE_BACKOFF_MAX", "9s")));

    assertThat(c.resync().interval()).isEqualTo(Duration.ofSeconds(7));
    assertThat(c.backoff().base()).isEqualTo(Duration.ofMillis(300));
    assertThat(c.backoff().max()).isEqualTo(Duration.ofSeconds(9));
    assertThat(warnings).isEmpty();
  }

  @Test
  void nothingSet_defaultsApply() {
    ReconcileConfig c = reconcile(file(Map.of()));

    assertThat(c.enabled()).isTrue();
    assertThat(c.workers()).isEqualTo(4);
    assertThat(c.resync().interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.resync().deepVerifyInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.resync().foreignConfigTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.resync().orphanGrace()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.tasks().pollInitial()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.tasks().pollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.tasks().shutdownTimeoutSeconds()).isEqualTo(60);
    assertThat(c.tasks().lockedRecheck()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.tasks().capacityRecheck()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.backoff().base()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.backoff().max()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.backoff().retryQps()).isEqualTo(20.0);
    assertThat(c.limits().clonesPerSource()).isEqualTo(1);
    assertThat(c.limits().tasksPerStorage()).isEqualTo(4);
    assertThat(c.limits().tasksPerNode()).isEqualTo(16);
    assertThat(warnings).isEmpty();
  }

  @Test
  void everyOldKey_isRead() {
    ReconcileConfig c =
        reconcile(
            file(
                Map.ofEntries(
                    Map.entry("cloudpods.reconcile.resync-interval", "11s"),
                    Map.entry("cloudpods.reconcile.deep-verify-interval", "12s"),
                    Map.entry("cloudpods.reconcile.foreign-config-ttl", "13s"),
                    Map.entry("cloudpods.reconcile.orphan-grace", "14s"),
                    Map.entry("cloudpods.reconcile.task-poll-initial", "15ms"),
                    Map.entry("cloudpods.reconcile.task-poll-interval", "16ms"),
                    Map.entry("cloudpods.reconcile.shutdown-timeout-seconds", "17"),
                    Map.entry("cloudpods.reconcile.locked-recheck", "18ms"),
                    Map.entry("cloudpods.reconcile.capacity-recheck", "19ms"),
                    Map.entry("cloudpods.reconcile.backoff-base", "20ms"),
                    Map.entry("cloudpods.reconcile.backoff-max", "21s"),
                    Map.entry("cloudpods.reconcile.retry-qps", "22.5"),
                    Map.entry("cloudpods.reconcile.max-clones-per-source", "23"),
                    Map.entry("cloudpods.reconcile.max-tasks-per-storage", "24"),
                    Map.entry("cloudpods.reconcile.max-tasks-per-node", "25"))));

    assertThat(c.resync().interval()).isEqualTo(Duration.ofSeconds(11));
    assertThat(c.resync().deepVerifyInterval()).isEqualTo(Duration.ofSeconds(12));
    assertThat(c.resync().foreignConfigTtl()).isEqualTo(Duration.ofSeconds(13));
    assertThat(c.resync().orphanGrace()).isEqualTo(Duration.ofSeconds(14));
    assertThat(c.tasks().pollInitial()).isEqualTo(Duration.ofMillis(15));
    assertThat(c.tasks().pollInterval()).isEqualTo(Duration.ofMillis(16));
    assertThat(c.tasks().shutdownTimeoutSeconds()).isEqualTo(17);
    assertThat(c.tasks().lockedRecheck()).isEqualTo(Duration.ofMillis(18));
    assertThat(c.tasks().capacityRecheck()).isEqualTo(Duration.ofMillis(19));
    assertThat(c.backoff().base()).isEqualTo(Duration.ofMillis(20));
    assertThat(c.backoff().max()).isEqualTo(Duration.ofSeconds(21));
    assertThat(c.backoff().retryQps()).isEqualTo(22.5);
    assertThat(c.limits().clonesPerSource()).isEqualTo(23);
    assertThat(c.limits().tasksPerStorage()).isEqualTo(24);
    assertThat(c.limits().tasksPerNode()).isEqualTo(25);
    assertThat(warnings).hasSize(15);
    assertThat(LegacyReconcileKeys.RENAMED).hasSize(15);
  }

  @Test
  void oldKey_warnsOnce_namingTheNewKey() {
    SmallRyeConfig config = config(file(Map.of("cloudpods.reconcile.resync-interval", "5s")));
    config.getValue("cloudpods.reconcile.resync.interval", String.class);
    config.getValue("cloudpods.reconcile.resync.interval", String.class);

    assertThat(warnings)
        .containsExactly(
            "cloudpods.reconcile.resync-interval is deprecated; use cloudpods.reconcile.resync.interval");
  }

  @Test
  void unusedRenamedKeys_doNotWarn() {
    reconcile(file(Map.of("cloudpods.reconcile.workers", "2")));

    assertThat(warnings).isEmpty();
  }

  @Test
  void oldKey_isNotAnUnknownProperty_butAMisspeltKeyStillIs() {
    assertThat(
            reconcile(file(Map.of("cloudpods.reconcile.max-tasks-per-node", "3")))
                .limits()
                .tasksPerNode())
        .isEqualTo(3);

    assertThatThrownBy(() -> reconcile(file(Map.of("cloudpods.reconcile.max-task-per-node", "3"))))
        .hasMessageContaining("cloudpods.reconcile.max-task-per-node");
  }

  @Test
  void oldKey_inActiveProfile_isRead() {
    ReconcileConfig c =
        builder(
                file(
                    Map.of(
                        "cloudpods.reconcile.locked-recheck", "900ms",
                        "%test.cloudpods.reconcile.locked-recheck", "300ms")))
            .withProfile("test")
            .build()
            .unwrap(SmallRyeConfig.class)
            .getConfigMapping(ReconcileConfig.class);

    assertThat(c.tasks().lockedRecheck()).isEqualTo(Duration.ofMillis(300));
  }

  /** What {@code @Scheduled(every = "${cloudpods.reconcile.resync.interval:30s}")} looks up. */
  @Test
  void oldResyncInterval_reachesLookupsAndExpressionsOfTheNewKey() {
    SmallRyeConfig config =
        config(
            file(
                Map.of(
                    "cloudpods.reconcile.resync-interval", "45s",
                    "example.every", "${cloudpods.reconcile.resync.interval:30s}")));

    assertThat(config.getOptionalValue("cloudpods.reconcile.resync.interval", String.class))
        .contains("45s");
    assertThat(config.getValue("example.every", String.class)).isEqualTo("45s");
  }

  @Test
  void oldKey_holdingAnExpression_isExpanded() {
    SmallRyeConfig config =
        config(
            file(
                Map.of(
                    "poll", "350ms",
                    "cloudpods.reconcile.task-poll-interval", "${poll}")));

    assertThat(config.getConfigMapping(ReconcileConfig.class).tasks().pollInterval())
        .isEqualTo(Duration.ofMillis(350));
  }

  /**
   * The registration Quarkus relies on: {@code
   * META-INF/services/io.smallrye.config.ConfigSourceInterceptor}.
   */
  @Test
  void interceptor_isDiscoveredThroughServiceLoader() {
    ReconcileConfig c =
        new SmallRyeConfigBuilder()
            .addDefaultInterceptors()
            .addDiscoveredInterceptors()
            .withConverter(Duration.class, 200, new DurationConverter())
            .withSources(file(Map.of("cloudpods.reconcile.capacity-recheck", "4s")))
            .withMapping(ReconcileConfig.class)
            .build()
            .unwrap(SmallRyeConfig.class)
            .getConfigMapping(ReconcileConfig.class);

    assertThat(c.tasks().capacityRecheck()).isEqualTo(Duration.ofSeconds(4));
  }
}
