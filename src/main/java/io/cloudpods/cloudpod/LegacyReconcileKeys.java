package io.cloudpods.cloudpod;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.DefaultValuesConfigSource;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.io.Serial;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Reads the flat {@code cloudpods.reconcile.*} keys of earlier releases (such as {@code
 * cloudpods.reconcile.task-poll-interval}, or {@code CLOUDPODS_RECONCILE_TASK_POLL_INTERVAL} in the
 * environment) for the grouped keys of {@link ReconcileConfig}, from every config source.
 *
 * <ul>
 *   <li>A grouped key that is not set falls back to its old name. A grouped key that is set wins
 *       over its old name, whichever sources the two come from; only the mapping's built-in
 *       defaults do not count as set.
 *   <li>The old names are listed under their new names, so the mapping does not refuse them as
 *       unknown properties.
 *   <li>Each old key in use is logged once per process, naming the new key.
 * </ul>
 *
 * <p>Registered through {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptor}:
 * SmallRye Config discovers interceptors there, and Quarkus registers the discovered ones in the
 * config it builds for the application (at build time, static init and run time). Its priority sits
 * between the profile interceptor (so {@code %test.} and {@code %dev.} old keys work) and the
 * expression interceptor (so {@code ${cloudpods.reconcile.resync.interval}} in a config value
 * reaches an old key too, and an old key's own value may hold an expression).
 */
@Priority(LegacyReconcileKeys.PRIORITY)
public final class LegacyReconcileKeys implements ConfigSourceInterceptor {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Above {@code ProfileConfigSourceInterceptor} (+200), below {@code
   * ExpressionConfigSourceInterceptor} (+300).
   */
  static final int PRIORITY = Priorities.LIBRARY + 280;

  static final String PREFIX = "cloudpods.reconcile.";

  /** New key to old key, full names. */
  static final Map<String, String> RENAMED;

  private static final Map<String, String> NEW_BY_OLD;

  static {
    Map<String, String> m = new LinkedHashMap<>();
    rename(m, "resync-interval", "resync.interval");
    rename(m, "deep-verify-interval", "resync.deep-verify-interval");
    rename(m, "foreign-config-ttl", "resync.foreign-config-ttl");
    rename(m, "orphan-grace", "resync.orphan-grace");
    rename(m, "task-poll-initial", "tasks.poll-initial");
    rename(m, "task-poll-interval", "tasks.poll-interval");
    rename(m, "shutdown-timeout-seconds", "tasks.shutdown-timeout-seconds");
    rename(m, "locked-recheck", "tasks.locked-recheck");
    rename(m, "capacity-recheck", "tasks.capacity-recheck");
    rename(m, "backoff-base", "backoff.base");
    rename(m, "backoff-max", "backoff.max");
    rename(m, "retry-qps", "backoff.retry-qps");
    rename(m, "max-clones-per-source", "limits.clones-per-source");
    rename(m, "max-tasks-per-storage", "limits.tasks-per-storage");
    rename(m, "max-tasks-per-node", "limits.tasks-per-node");
    RENAMED = Collections.unmodifiableMap(m);
    Map<String, String> inverse = new LinkedHashMap<>();
    m.forEach((newKey, oldKey) -> inverse.put(oldKey, newKey));
    NEW_BY_OLD = Collections.unmodifiableMap(inverse);
  }

  private static void rename(Map<String, String> m, String oldKey, String newKey) {
    m.put(PREFIX + newKey, PREFIX + oldKey);
  }

  private static final Logger LOG = Logger.getLogger(LegacyReconcileKeys.class);

  /**
   * Old keys already warned about in this JVM: Quarkus builds its config more than once at start
   * (static init, then run time), and each build creates a new interceptor.
   */
  private static final Set<String> WARNED_IN_PROCESS = ConcurrentHashMap.newKeySet();

  private final transient Set<String> warned;
  private final transient Consumer<String> warn;

  /** The instance SmallRye Config discovers: warns once per process, to the log. */
  public LegacyReconcileKeys() {
    this(WARNED_IN_PROCESS, LOG::warn);
  }

  /** For tests: its own record of the keys warned about, and where warnings go. */
  LegacyReconcileKeys(Set<String> warned, Consumer<String> warn) {
    this.warned = warned;
    this.warn = warn;
  }

  @Override
  public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
    String oldKey = RENAMED.get(name);
    if (oldKey == null) {
      return context.proceed(name);
    }
    ConfigValue current = context.proceed(name);
    ConfigValue legacy = context.proceed(oldKey);
    if (legacy == null || legacy.getValue() == null) {
      return current;
    }
    boolean currentSet =
        current != null && current.getValue() != null && !isBuiltInDefault(current);
    if (currentSet && sameEnvironmentVariable(name, oldKey, current, legacy)) {
      // CLOUDPODS_RECONCILE_RESYNC_INTERVAL, _BACKOFF_BASE, _BACKOFF_MAX: one variable is both
      // names
      return current;
    }
    warnOnce(oldKey, name, legacy, currentSet);
    return currentSet ? current : legacy.withName(name);
  }

  /**
   * The names of all sources, with each old key reported under its new name: the mapping then reads
   * the new name (and gets the old key's value from {@link #getValue}) instead of failing on an old
   * name that maps to no property.
   */
  @Override
  public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
    Iterator<String> names = context.iterateNames();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return names.hasNext();
      }

      @Override
      public String next() {
        String name = names.next();
        return NEW_BY_OLD.getOrDefault(name, name);
      }
    };
  }

  /**
   * The mapping's {@code @WithDefault} values: present for every key, so they do not hide an old
   * key.
   */
  private static boolean isBuiltInDefault(ConfigValue value) {
    return DefaultValuesConfigSource.NAME.equals(value.getConfigSourceName())
        || value.getConfigSourceOrdinal() == Integer.MIN_VALUE;
  }

  private static boolean sameEnvironmentVariable(
      String newKey, String oldKey, ConfigValue current, ConfigValue legacy) {
    return envName(newKey).equals(envName(oldKey))
        && isEnvironment(legacy)
        && legacy.getConfigSourceName().equals(current.getConfigSourceName());
  }

  private static boolean isEnvironment(ConfigValue value) {
    return value.getConfigSourceName() != null
        && value.getConfigSourceName().startsWith(EnvConfigSource.NAME);
  }

  /** The environment variable name of a property ({@code a.b-c} is {@code A_B_C}). */
  static String envName(String property) {
    StringBuilder b = new StringBuilder(property.length());
    for (int i = 0; i < property.length(); i++) {
      char c = property.charAt(i);
      b.append(Character.isLetterOrDigit(c) ? c : '_');
    }
    return b.toString().toUpperCase(Locale.ROOT);
  }

  private void warnOnce(String oldKey, String newKey, ConfigValue legacy, boolean ignored) {
    if (!warned.add(oldKey)) {
      return;
    }
    StringBuilder m = new StringBuilder(oldKey).append(" is deprecated; use ").append(newKey);
    if (isEnvironment(legacy)) {
      m.append(" (environment variable ")
          .append(envName(oldKey))
          .append(": use ")
          .append(envName(newKey))
          .append(')');
    }
    if (ignored) {
      m.append("; ").append(newKey).append(" is set too, so ").append(oldKey).append(" is ignored");
    }
    warn.accept(m.toString());
  }
}
