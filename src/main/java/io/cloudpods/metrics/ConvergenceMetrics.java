package io.cloudpods.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * {@code cloudpods_convergence_seconds{cluster,action}}: how long a pod took from a change of its
 * spec (a new generation, timed by the database when it was written) to the controller writing
 * {@code Ready=True} for that generation. {@code action} is one of {@link #ACTIONS}, as the
 * database classified the change (migration V11); {@code cluster} is the Proxmox cluster the pod
 * lives in. Each generation is observed at most once, even when Ready flips back and forth within
 * it or several replicas see it. The series of {@code default} exist from the start, those of an
 * added cluster from when the controller first sees it ({@link #cluster}).
 */
@ApplicationScoped
@Startup // every action's series exists from the start, at 0
public class ConvergenceMetrics {

  private static final Logger LOG = Logger.getLogger(ConvergenceMetrics.class);

  /** The actions a spec change is classified as; the label's whole value set. */
  public static final List<String> ACTIONS =
      List.of("create", "resize", "config", "start", "stop", "restore");

  /** One second to half an hour: a start takes seconds, a full clone of a big disk minutes. */
  static final double[] BUCKETS = {
    1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1200, 1800
  };

  private static final String MARK =
      "UPDATE pod_convergence SET recorded_generation = generation"
          + " WHERE pod_uid = ?1 AND generation = ?2"
          + " AND recorded_generation IS DISTINCT FROM generation"
          + " RETURNING action, extract(epoch FROM (clock_timestamp() - changed_at)),"
          + " (SELECT p.cluster FROM cloud_pod p WHERE p.uid = pod_uid)";

  private final EntityManager em;
  private final MeterRegistry registry;
  private final Duration[] buckets = EngineMetrics.durations(BUCKETS);
  private final Map<String, Map<String, Timer>> timers =
      new java.util.concurrent.ConcurrentHashMap<>();

  public ConvergenceMetrics(EntityManager em, MeterRegistry registry) {
    this.em = em;
    this.registry = registry;
    cluster(FleetMetrics.CLUSTER);
  }

  /**
   * Makes every action's series of {@code cluster} exist (at 0), so that a cluster's counters start
   * at 0 rather than at its first observation. Called for each cluster the controller runs.
   */
  public Map<String, Timer> cluster(String cluster) {
    return timers.computeIfAbsent(
        cluster,
        c -> {
          Map<String, Timer> byAction = new TreeMap<>();
          for (String action : ACTIONS) {
            byAction.put(
                action,
                Timer.builder("cloudpods_convergence")
                    .description("Time from a spec change to Ready=True for that generation")
                    .tags("cluster", c, "action", action)
                    .serviceLevelObjectives(buckets)
                    .register(registry));
          }
          return byAction;
        });
  }

  /**
   * The controller wrote {@code Ready=True} for {@code generation} of pod {@code uid}: observes the
   * time since that generation's spec change, unless it was observed already. Never throws: a
   * failure here costs one observation, not the reconcile.
   */
  public void ready(UUID uid, long generation) {
    try {
      // a transaction of its own: a failure here never rolls back what the caller wrote
      List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> mark(uid, generation));
      for (Object[] r : rows) {
        String cluster = r[2] == null ? FleetMetrics.CLUSTER : (String) r[2];
        observe(cluster, (String) r[0], ((Number) r[1]).doubleValue());
      }
    } catch (RuntimeException e) {
      LOG.debugf("convergence of %s generation %d not recorded: %s", uid, generation, e);
    }
  }

  @SuppressWarnings("unchecked")
  private List<Object[]> mark(UUID uid, long generation) {
    return em.createNativeQuery(MARK)
        .setParameter(1, uid)
        .setParameter(2, generation)
        .getResultList();
  }

  /** Records one observation of {@code seconds} under {@code action} in {@code default}. */
  void observe(String action, double seconds) {
    observe(FleetMetrics.CLUSTER, action, seconds);
  }

  /** Records one observation of {@code seconds} under {@code cluster} and {@code action}. */
  void observe(String cluster, String action, double seconds) {
    Map<String, Timer> byAction = cluster(cluster);
    Timer t = byAction.get(action);
    if (t == null) {
      // a classification this build does not know: still counted, without growing the label set
      t = byAction.get("config");
    }
    t.record(Math.max(0, Math.round(seconds * 1e9)), TimeUnit.NANOSECONDS);
  }
}
