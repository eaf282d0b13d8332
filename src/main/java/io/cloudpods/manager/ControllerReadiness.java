package io.cloudpods.manager;

import io.cloudpods.cloudpod.ReconcileConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The controller's part of {@code /q/health/ready}. DOWN, with the reasons in the check's data,
 * while the controller waits for Proxmox at start-up, while the change listener is disconnected,
 * when the last full resync is older than three resync intervals, or when Proxmox did not answer
 * the last resync (the last two only on the replica holding the lease of cluster {@code default},
 * which runs the full resync; another replica is ready when it serves the API and listens). With
 * the controller disabled (an API-only process) it is UP and readiness is about the database only
 * (Quarkus' datasource check). Liveness is left to the process.
 */
@Readiness
@ApplicationScoped
public class ControllerReadiness implements HealthCheck {

  static final String NAME = "CloudPods controller";

  /** How many resync intervals may pass without a full resync before the controller is stale. */
  static final int STALE_AFTER_INTERVALS = 3;

  /**
   * What readiness is judged on. {@code running} false: {@code startup} is the start-up check under
   * way (null when the controller was stopped); the other fields are null.
   */
  record Facts(
      boolean running,
      Instant startedAt,
      StartupCheck.State startup,
      ChangeListenerState listener,
      Instant lastResync,
      Resync.ProxmoxContact proxmox,
      boolean holdsDefault) {

    /** A controller holding the lease of cluster {@code default} (a single replica always does). */
    Facts(
        boolean running,
        Instant startedAt,
        StartupCheck.State startup,
        ChangeListenerState listener,
        Instant lastResync,
        Resync.ProxmoxContact proxmox) {
      this(running, startedAt, startup, listener, lastResync, proxmox, true);
    }
  }

  /** The judgement: ready or not, the reasons when not, and what to show either way. */
  record Verdict(boolean ready, List<String> reasons, Map<String, String> data) {}

  private final ControllerManager manager;
  private final ReconcileConfig config;
  private final Clock clock = Clock.systemUTC();

  public ControllerReadiness(ControllerManager manager, ReconcileConfig config) {
    this.manager = manager;
    this.config = config;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME);
    if (!manager.enabled()) {
      return b.up().withData("controller", "disabled").build();
    }
    Verdict v = assess(manager.facts(), config.resync().interval(), clock.instant());
    v.data().forEach(b::withData);
    if (!v.ready()) {
      b.withData("reason", String.join("; ", v.reasons()));
    }
    return b.status(v.ready()).build();
  }

  /** Pure: the verdict on {@code facts} at {@code now}. */
  static Verdict assess(Facts facts, Duration resyncInterval, Instant now) {
    List<String> reasons = new ArrayList<>();
    Map<String, String> data = new LinkedHashMap<>();
    if (!facts.running()) {
      StartupCheck.State s = facts.startup();
      if (s == null) {
        data.put("controller", "stopped");
        reasons.add("the controller is not running");
      } else {
        data.put("controller", "waiting for Proxmox VE");
        data.put("startupAttempts", Integer.toString(s.attempts()));
        reasons.add(
            s.lastError() == null
                ? "the controller is checking Proxmox VE before it starts"
                : "the controller has been waiting for Proxmox VE since "
                    + s.since()
                    + " ("
                    + s.attempts()
                    + " attempts): "
                    + s.lastError());
      }
      return new Verdict(false, reasons, data);
    }
    data.put("controller", "running since " + facts.startedAt());

    ChangeListenerState l = facts.listener();
    data.put(
        "changeListener", (l.connected() ? "connected since " : "disconnected since ") + l.since());
    if (l.lastError() != null) {
      data.put("changeListenerLastError", l.lastErrorAt() + ": " + l.lastError());
    }
    if (!l.connected()) {
      reasons.add(
          "the change listener has been disconnected from PostgreSQL since "
              + l.since()
              + (l.lastError() == null ? "" : ": " + l.lastError()));
    }

    if (!facts.holdsDefault()) {
      // the full resync and its Proxmox contact are the work of the replica holding the lease
      data.put("leaseOfClusterDefault", "held by another replica");
      return new Verdict(reasons.isEmpty(), reasons, data);
    }
    Duration stale = resyncInterval.multipliedBy(STALE_AFTER_INTERVALS);
    Instant last = facts.lastResync();
    data.put("lastFullResync", last == null ? "none" : last.toString());
    Instant reference = last != null ? last : facts.startedAt();
    if (reference != null && Duration.between(reference, now).compareTo(stale) > 0) {
      String interval = STALE_AFTER_INTERVALS + " resync intervals (" + stale + ")";
      reasons.add(
          last == null
              ? "no full resync in the "
                  + interval
                  + " since the controller started at "
                  + facts.startedAt()
              : "the last full resync, at " + last + ", is older than " + interval);
    }

    Resync.ProxmoxContact p = facts.proxmox();
    data.put("proxmoxReachable", p == null ? "unknown" : Boolean.toString(p.reachable()));
    if (p != null && !p.reachable()) {
      reasons.add("Proxmox VE did not answer the last resync, at " + p.at() + ": " + p.message());
    }
    return new Verdict(reasons.isEmpty(), reasons, data);
  }
}
