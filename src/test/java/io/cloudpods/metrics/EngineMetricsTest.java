package io.cloudpods.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.controller.BackoffRateLimiter;
import io.cloudpods.controller.ControllerRunner;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.RequeueException;
import io.cloudpods.controller.WorkQueue;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EngineMetricsTest {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private ControllerRunner<String> runner(io.cloudpods.controller.Reconciler<String> reconciler) {
    WorkQueue<String> queue =
        new WorkQueue<>(
            new BackoffRateLimiter<>(Duration.ofMillis(1), Duration.ofMillis(1)),
            EngineMetrics.queue(registry, "cloudpod"));
    ControllerRunner<String> runner =
        new ControllerRunner<>(
            "cloudpod", queue, reconciler, 2, EngineMetrics.reconciles(registry, "cloudpod"));
    EngineMetrics.bind(registry, runner);
    return runner;
  }

  @Test
  void beforeAnyReconcile_everyCounterIsExportedAtZero_underControllerRuntimeNames() {
    runner(k -> ReconcileResult.done());

    String text = registry.scrape();

    for (String result : new String[] {"success", "error", "requeue", "requeue_after"}) {
      assertThat(text)
          .contains(
              "controller_runtime_reconcile_total{controller=\"cloudpod\",result=\""
                  + result
                  + "\",} 0.0");
    }
    assertThat(text)
        .contains("controller_runtime_reconcile_errors_total{controller=\"cloudpod\",} 0.0")
        .contains("workqueue_adds_total{controller=\"cloudpod\",name=\"cloudpod\",} 0.0")
        .contains("workqueue_retries_total{controller=\"cloudpod\",name=\"cloudpod\",} 0.0")
        .contains("workqueue_depth{controller=\"cloudpod\",name=\"cloudpod\",} 0.0")
        .contains("controller_runtime_max_concurrent_reconciles{controller=\"cloudpod\",} 2.0")
        .contains("controller_runtime_active_workers{controller=\"cloudpod\",} 0.0")
        .contains(
            "controller_runtime_reconcile_time_seconds_bucket{controller=\"cloudpod\",le=\"0.005\",} 0.0")
        .contains(
            "controller_runtime_reconcile_time_seconds_bucket{controller=\"cloudpod\",le=\"60.0\",} 0.0")
        .contains(
            "workqueue_queue_duration_seconds_bucket{controller=\"cloudpod\",name=\"cloudpod\",le=\"1.0E-8\",} 0.0");
  }

  @Test
  void outcomes_areCountedByResult_andFailuresAsErrorsAndRetries() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ControllerRunner<String> runner =
        runner(
            k ->
                switch (k) {
                  case "ok" -> ReconcileResult.done();
                  case "later" -> ReconcileResult.requeueAfter(Duration.ofHours(1));
                  case "wait" -> throw new RequeueException(Duration.ofHours(1), "not yet");
                  default -> {
                    if (calls.incrementAndGet() == 1) {
                      throw new IOException("connection refused");
                    }
                    yield ReconcileResult.done();
                  }
                });
    runner.queue().add("ok");
    runner.queue().add("later");
    runner.queue().add("wait");
    runner.queue().add("flaky");
    while (runner.processNext(Duration.ofMillis(200))) {
      // until the flaky key's retry has run
    }

    String text = registry.scrape();
    assertThat(text)
        .contains(
            "controller_runtime_reconcile_total{controller=\"cloudpod\",result=\"success\",} 2.0")
        .contains(
            "controller_runtime_reconcile_total{controller=\"cloudpod\",result=\"requeue_after\",} 2.0")
        .contains(
            "controller_runtime_reconcile_total{controller=\"cloudpod\",result=\"error\",} 1.0")
        .contains("controller_runtime_reconcile_errors_total{controller=\"cloudpod\",} 1.0")
        .contains("workqueue_retries_total{controller=\"cloudpod\",name=\"cloudpod\",} 1.0")
        .contains("workqueue_adds_total{controller=\"cloudpod\",name=\"cloudpod\",} 5.0")
        .contains("controller_runtime_reconcile_time_seconds_count{controller=\"cloudpod\",} 5.0")
        .contains(
            "workqueue_work_duration_seconds_count{controller=\"cloudpod\",name=\"cloudpod\",} 5.0");
  }

  @Test
  void aKeyBeingProcessed_showsAsUnfinishedWorkAndActiveWorker() throws Exception {
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    ControllerRunner<String> runner =
        runner(
            k -> {
              inside.countDown();
              release.await();
              return ReconcileResult.done();
            });
    runner.queue().add("slow");
    Thread worker =
        new Thread(
            () -> {
              try {
                runner.processNext(Duration.ofSeconds(5));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    worker.start();
    inside.await();
    Thread.sleep(20);

    String text = registry.scrape();
    release.countDown();
    worker.join();

    assertThat(text).contains("controller_runtime_active_workers{controller=\"cloudpod\",} 1.0");
    assertThat(gauge(text, "workqueue_unfinished_work_seconds")).isGreaterThan(0.015);
    assertThat(gauge(text, "workqueue_longest_running_processor_seconds")).isGreaterThan(0.015);
  }

  private static double gauge(String text, String name) {
    return text.lines()
        .filter(l -> l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow();
  }
}
