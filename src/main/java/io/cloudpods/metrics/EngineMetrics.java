package io.cloudpods.metrics;

import io.cloudpods.controller.ControllerRunner;
import io.cloudpods.controller.QueueMetrics;
import io.cloudpods.controller.ReconcileListener;
import io.cloudpods.controller.ReconcileResult;
import io.cloudpods.controller.RequeueException;
import io.cloudpods.controller.TerminalReconcileException;
import io.cloudpods.controller.WorkQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The engine's metrics under controller-runtime's names and labels, so that dashboards and alerts
 * written for Kubernetes controllers work unchanged: {@code controller_runtime_reconcile_total
 * {controller,result}}, {@code controller_runtime_reconcile_errors_total}, {@code
 * controller_runtime_terminal_reconcile_errors_total}, {@code
 * controller_runtime_reconcile_time_seconds} (controller-runtime's 40 buckets), {@code
 * controller_runtime_active_workers}, {@code controller_runtime_max_concurrent_reconciles}, and the
 * {@code workqueue_*} family with labels {@code name} and {@code controller} (client-go's buckets).
 * Every counter exists from the start at 0. The only label values are the controller names, so
 * nothing here grows with the number of pods.
 */
public final class EngineMetrics {

  /** controller-runtime's reconcile_time_seconds buckets (5 ms to 60 s). */
  static final double[] RECONCILE_BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9,
    1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50,
    60
  };

  /** client-go's workqueue duration buckets: 10 ns to 1000 s, factor 10. */
  static final double[] QUEUE_BUCKETS = {
    1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000
  };

  private EngineMetrics() {}

  /** The metrics a {@link WorkQueue} named {@code controller} reports as it works. */
  public static QueueMetrics queue(MeterRegistry registry, String controller) {
    Counter adds = counter(registry, "workqueue_adds", "Adds handled by the workqueue", controller);
    Counter retries =
        counter(registry, "workqueue_retries", "Retries handled by the workqueue", controller);
    Timer queued =
        timer(
            registry,
            "workqueue_queue_duration",
            "How long an item stays in the workqueue before being requested",
            controller,
            QUEUE_BUCKETS);
    Timer worked =
        timer(
            registry,
            "workqueue_work_duration",
            "How long processing an item from the workqueue takes",
            controller,
            QUEUE_BUCKETS);
    return new QueueMetrics() {
      @Override
      public void added() {
        adds.increment();
      }

      @Override
      public void queued(long nanos) {
        queued.record(nanos, TimeUnit.NANOSECONDS);
      }

      @Override
      public void worked(long nanos) {
        worked.record(nanos, TimeUnit.NANOSECONDS);
      }

      @Override
      public void retried() {
        retries.increment();
      }
    };
  }

  private static final String[] GAUGES = {
    "workqueue_depth",
    "workqueue_unfinished_work_seconds",
    "workqueue_longest_running_processor_seconds",
    "controller_runtime_active_workers",
    "controller_runtime_max_concurrent_reconciles"
  };

  /** Gauges read from a running {@code runner} and its queue at every scrape. */
  public static void bind(MeterRegistry registry, ControllerRunner<?> runner) {
    String controller = runner.name();
    WorkQueue<?> queue = runner.queue();
    // a runner built again (the controller restarted in this process) replaces the old gauges
    unbind(registry, controller);
    Gauge.builder("workqueue_depth", queue, q -> q.readyCount())
        .description("Current depth of the workqueue")
        .tags("name", controller, "controller", controller)
        .strongReference(true)
        .register(registry);
    Gauge.builder("workqueue_unfinished_work_seconds", queue, WorkQueue::unfinishedWorkSeconds)
        .description("Seconds of work in progress not yet observed by work_duration")
        .tags("name", controller, "controller", controller)
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "workqueue_longest_running_processor_seconds",
            queue,
            WorkQueue::longestRunningProcessorSeconds)
        .description("Seconds the longest running processor of the workqueue has been running")
        .tags("name", controller, "controller", controller)
        .strongReference(true)
        .register(registry);
    Gauge.builder("controller_runtime_active_workers", runner, r -> r.activeWorkers())
        .description("Number of currently used workers per controller")
        .tags("controller", controller)
        .strongReference(true)
        .register(registry);
    Gauge.builder("controller_runtime_max_concurrent_reconciles", runner, r -> r.workers())
        .description("Maximum number of concurrent reconciles per controller")
        .tags("controller", controller)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Removes the gauges of a runner that is gone for good (its cluster was removed), so no scrape
   * reports the depth or workers of a queue nobody works; its counters stay, as counters do.
   */
  public static void unbind(MeterRegistry registry, String controller) {
    for (String name : GAUGES) {
      registry.find(name).tag("controller", controller).gauges().forEach(registry::remove);
    }
  }

  /** Counts and times every reconcile outcome of {@code controller}. */
  public static <K> ReconcileListener<K> reconciles(MeterRegistry registry, String controller) {
    Counter success = result(registry, controller, "success");
    Counter error = result(registry, controller, "error");
    result(registry, controller, "requeue"); // exists at 0: this engine has no bare requeue
    Counter requeueAfter = result(registry, controller, "requeue_after");
    Counter errors =
        counter(
            registry,
            "controller_runtime_reconcile_errors",
            "Total number of reconciliation errors per controller",
            controller,
            false);
    Counter terminal =
        counter(
            registry,
            "controller_runtime_terminal_reconcile_errors",
            "Total number of terminal reconciliation errors per controller",
            controller,
            false);
    Timer time =
        Timer.builder("controller_runtime_reconcile_time")
            .description("Length of time per reconciliation per controller")
            .tags("controller", controller)
            .serviceLevelObjectives(durations(RECONCILE_BUCKETS))
            .register(registry);
    return new ReconcileListener<>() {
      @Override
      public void succeeded(K key, ReconcileResult result, Duration took) {
        (result.requeueAfter().isPresent() ? requeueAfter : success).increment();
        time.record(took);
      }

      @Override
      public void failed(K key, Exception e, int attempt, Duration retryIn, Duration took) {
        error.increment();
        errors.increment();
        time.record(took);
      }

      @Override
      public void failedTerminally(K key, TerminalReconcileException e, Duration took) {
        error.increment();
        errors.increment();
        terminal.increment();
        time.record(took);
      }

      @Override
      public void deferred(K key, RequeueException reason, Duration took) {
        requeueAfter.increment();
        time.record(took);
      }
    };
  }

  private static Counter result(MeterRegistry registry, String controller, String result) {
    return Counter.builder("controller_runtime_reconcile")
        .description("Total number of reconciliations per controller")
        .tags("controller", controller, "result", result)
        .register(registry);
  }

  private static Counter counter(
      MeterRegistry registry, String name, String help, String controller) {
    return counter(registry, name, help, controller, true);
  }

  private static Counter counter(
      MeterRegistry registry, String name, String help, String controller, boolean queueLabels) {
    Counter.Builder b = Counter.builder(name).description(help).tag("controller", controller);
    if (queueLabels) {
      b.tag("name", controller);
    }
    return b.register(registry);
  }

  private static Timer timer(
      MeterRegistry registry, String name, String help, String controller, double[] buckets) {
    return Timer.builder(name)
        .description(help)
        .tags("name", controller, "controller", controller)
        .serviceLevelObjectives(durations(buckets))
        .register(registry);
  }

  static Duration[] durations(double[] seconds) {
    Duration[] out = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      out[i] = Duration.ofNanos(Math.round(seconds[i] * 1e9));
    }
    return out;
  }
}
