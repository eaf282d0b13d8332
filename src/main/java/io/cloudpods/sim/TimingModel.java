package io.cloudpods.sim;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How long simulated operations take. Every duration is multiplied by {@link #timeScale()} before
 * use, so {@code timeScale=0.01} runs the same model 100 times faster (tests) and benchmarks can
 * state the model they ran against.
 *
 * @param create vzcreate: unpacking a template into a new container
 * @param fullClonePerGiB vzclone with {@code full=1}: per GiB of source volume size
 * @param linkedClone vzclone with {@code full=0} (snapshot clone of a base volume)
 * @param start vzstart
 * @param shutdown vzshutdown (clean stop)
 * @param stop vzstop (hard stop)
 * @param destroy vzdestroy
 * @param resize resize task
 * @param snapshot vzsnapshot, vzdelsnapshot and vzrollback
 * @param template vztemplate (conversion to a template)
 * @param vzdumpPerGiB vzdump: per GiB of the container's root volume
 * @param storageAllocation time a task holds the per-storage allocation lock while allocating
 *     volumes
 * @param storageLockTimeout how long a task waits for the per-storage allocation lock before
 *     failing
 * @param configLockTimeout how long a request or task waits for a container's config flock
 * @param resourcesLag pvestatd refresh lag of name/status/template in {@code /cluster/resources}
 * @param timeScale factor applied to every duration above
 */
public record TimingModel(
    Duration create,
    Duration fullClonePerGiB,
    Duration linkedClone,
    Duration start,
    Duration shutdown,
    Duration stop,
    Duration destroy,
    Duration resize,
    Duration snapshot,
    Duration template,
    Duration vzdumpPerGiB,
    Duration storageAllocation,
    Duration storageLockTimeout,
    Duration configLockTimeout,
    Duration resourcesLag,
    double timeScale) {

  public TimingModel {
    if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
      throw new IllegalArgumentException("timeScale must be a positive number, got " + timeScale);
    }
    for (Map.Entry<String, Duration> e :
        asMap(
                create,
                fullClonePerGiB,
                linkedClone,
                start,
                shutdown,
                stop,
                destroy,
                resize,
                snapshot,
                template,
                vzdumpPerGiB,
                storageAllocation,
                storageLockTimeout,
                configLockTimeout,
                resourcesLag)
            .entrySet()) {
      if (e.getValue() == null || e.getValue().isNegative()) {
        throw new IllegalArgumentException(e.getKey() + " must be a non-negative duration");
      }
    }
  }

  /** Realistic defaults for a single node with local ZFS (shape matters more than exact values). */
  public static TimingModel realistic() {
    return new TimingModel(
        Duration.ofSeconds(8),
        Duration.ofSeconds(5),
        Duration.ofSeconds(2),
        Duration.ofSeconds(2),
        Duration.ofSeconds(4),
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        Duration.ofSeconds(3),
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        1.0);
  }

  public TimingModel withTimeScale(double scale) {
    return new TimingModel(
        create,
        fullClonePerGiB,
        linkedClone,
        start,
        shutdown,
        stop,
        destroy,
        resize,
        snapshot,
        template,
        vzdumpPerGiB,
        storageAllocation,
        storageLockTimeout,
        configLockTimeout,
        resourcesLag,
        scale);
  }

  public TimingModel withResourcesLag(Duration lag) {
    return new TimingModel(
        create,
        fullClonePerGiB,
        linkedClone,
        start,
        shutdown,
        stop,
        destroy,
        resize,
        snapshot,
        template,
        vzdumpPerGiB,
        storageAllocation,
        storageLockTimeout,
        configLockTimeout,
        lag,
        timeScale);
  }

  /** Wall-clock milliseconds for a model duration, after scaling. */
  long scaledMillis(Duration modelDuration) {
    return Math.round(modelDuration.toNanos() * timeScale / 1_000_000.0);
  }

  /** Durations by their JSON/option name, in declaration order. */
  public Map<String, Duration> durations() {
    return asMap(
        create,
        fullClonePerGiB,
        linkedClone,
        start,
        shutdown,
        stop,
        destroy,
        resize,
        snapshot,
        template,
        vzdumpPerGiB,
        storageAllocation,
        storageLockTimeout,
        configLockTimeout,
        resourcesLag);
  }

  /** Returns a copy with the named durations replaced; unknown names are rejected. */
  public TimingModel with(Map<String, Duration> changes, Double newScale) {
    Map<String, Duration> m = durations();
    for (Map.Entry<String, Duration> e : changes.entrySet()) {
      if (!m.containsKey(e.getKey())) {
        throw new IllegalArgumentException("unknown timing field '" + e.getKey() + "'");
      }
      m.put(e.getKey(), e.getValue());
    }
    return new TimingModel(
        m.get("create"),
        m.get("fullClonePerGiB"),
        m.get("linkedClone"),
        m.get("start"),
        m.get("shutdown"),
        m.get("stop"),
        m.get("destroy"),
        m.get("resize"),
        m.get("snapshot"),
        m.get("template"),
        m.get("vzdumpPerGiB"),
        m.get("storageAllocation"),
        m.get("storageLockTimeout"),
        m.get("configLockTimeout"),
        m.get("resourcesLag"),
        newScale == null ? timeScale : newScale);
  }

  private static Map<String, Duration> asMap(Duration... d) {
    String[] names = {
      "create",
      "fullClonePerGiB",
      "linkedClone",
      "start",
      "shutdown",
      "stop",
      "destroy",
      "resize",
      "snapshot",
      "template",
      "vzdumpPerGiB",
      "storageAllocation",
      "storageLockTimeout",
      "configLockTimeout",
      "resourcesLag"
    };
    Map<String, Duration> m = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], d[i]);
    }
    return m;
  }
}
