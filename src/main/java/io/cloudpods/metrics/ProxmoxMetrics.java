package io.cloudpods.metrics;

import io.cloudpods.proxmox.ProxmoxRequestObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every Proxmox API request: {@code cloudpods_proxmox_requests_total{cluster,method,route,code}}
 * and {@code cloudpods_proxmox_request_seconds{cluster,method,route}}. {@code route} is the path
 * with its ids replaced ({@code /nodes/{node}/lxc/{vmid}/config}), so the series are bounded by the
 * routes the client calls, not by guests or tasks.
 */
@ApplicationScoped
@Unremovable // looked up by the Proxmox client producer through Instance<ProxmoxRequestObserver>
public class ProxmoxMetrics implements ProxmoxRequestObserver {

  /** 5 ms to 60 s: Proxmox answers reads in milliseconds and starts tasks in under a second. */
  static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  private final MeterRegistry registry;
  private final String cluster;
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
  private final Duration[] buckets = EngineMetrics.durations(BUCKETS);
  private final ConcurrentHashMap<String, ProxmoxMetrics> others = new ConcurrentHashMap<>();

  @Inject
  public ProxmoxMetrics(MeterRegistry registry) {
    this(registry, "default");
  }

  ProxmoxMetrics(MeterRegistry registry, String cluster) {
    this.registry = registry;
    this.cluster = cluster;
  }

  /** The same series for the requests of another Proxmox cluster (label {@code cluster}). */
  public ProxmoxRequestObserver forCluster(String name) {
    return name.equals(cluster)
        ? this
        : others.computeIfAbsent(name, n -> new ProxmoxMetrics(registry, n));
  }

  @Override
  public void observe(String method, String route, String outcome, long nanos) {
    counters
        .computeIfAbsent(
            method + ' ' + route + ' ' + outcome,
            k ->
                Counter.builder("cloudpods_proxmox_requests")
                    .description("Proxmox API requests by route and answer")
                    .tags("cluster", cluster, "method", method, "route", route, "code", outcome)
                    .register(registry))
        .increment();
    timers
        .computeIfAbsent(
            method + ' ' + route,
            k ->
                Timer.builder("cloudpods_proxmox_request")
                    .description("Time until Proxmox answered a request")
                    .tags("cluster", cluster, "method", method, "route", route)
                    .serviceLevelObjectives(buckets)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
