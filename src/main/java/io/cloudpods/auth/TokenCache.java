package io.cloudpods.auth;

import io.cloudpods.auth.TokenStore.StoredToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Token hash to stored token, kept for a short time so that a request does not cost a database
 * read. Unknown hashes are not kept (a flood of wrong tokens cannot fill it). A token revoked
 * through this process is dropped at once ({@link #invalidate}); one removed by another process or
 * by SQL is seen once its entry is older than the TTL. Also decides when a token's {@code
 * last_used_at} is written: at most once per {@code touchInterval} per token.
 */
public final class TokenCache {

  /** Where tokens come from (the database). */
  public interface Source {
    Optional<StoredToken> load(String hash);

    void touch(long id, Instant when);
  }

  /** The outcome of one lookup: a caller, or why there is none. */
  public record Resolution(Caller caller, String failure) {
    static Resolution ok(Caller c) {
      return new Resolution(c, null);
    }

    static Resolution refused(String why) {
      return new Resolution(null, why);
    }

    public boolean authenticated() {
      return caller != null;
    }
  }

  private record Entry(StoredToken token, Instant loadedAt, AtomicReference<Instant> lastUsed) {}

  private final Source source;
  private final Clock clock;
  private final Duration ttl;
  private final Duration touchInterval;
  private final int maxEntries;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public TokenCache(
      Source source, Clock clock, Duration ttl, Duration touchInterval, int maxEntries) {
    this.source = source;
    this.clock = clock;
    this.ttl = ttl;
    this.touchInterval = touchInterval;
    this.maxEntries = maxEntries;
  }

  public Resolution resolve(String hash) {
    Instant now = clock.instant();
    Entry e = entries.get(hash);
    if (e == null || !now.isBefore(e.loadedAt().plus(ttl))) {
      Optional<StoredToken> loaded = source.load(hash);
      if (loaded.isEmpty()) {
        entries.remove(hash);
        return Resolution.refused(UnauthenticatedException.MESSAGE);
      }
      if (entries.size() >= maxEntries) {
        entries.clear();
      }
      Instant lastUsed = loaded.get().lastUsedAt();
      if (e != null
          && e.lastUsed().get() != null
          && (lastUsed == null || e.lastUsed().get().isAfter(lastUsed))) {
        lastUsed = e.lastUsed().get(); // this process's own last write, if newer
      }
      e = new Entry(loaded.get(), now, new AtomicReference<>(lastUsed));
      entries.put(hash, e);
    }
    StoredToken t = e.token();
    if (t.expiresAt() != null && !now.isBefore(t.expiresAt())) {
      return Resolution.refused(
          "token '" + t.caller().tokenName() + "' expired at " + t.expiresAt());
    }
    Instant last = e.lastUsed().get();
    if ((last == null || !now.isBefore(last.plus(touchInterval)))
        && e.lastUsed().compareAndSet(last, now)) {
      source.touch(t.id(), now);
    }
    return Resolution.ok(t.caller());
  }

  /** As {@link #resolve}, but reads the database whatever the age of the cached entry. */
  public Resolution refresh(String hash) {
    entries.remove(hash);
    return resolve(hash);
  }

  /** Forgets every entry of the token of that name (it was revoked or replaced). */
  public void invalidate(String tokenName) {
    entries.values().removeIf(e -> e.token().caller().tokenName().equals(tokenName));
  }

  /** Forgets everything (e.g. a tenant, and with it its tokens, went away). */
  public void clear() {
    entries.clear();
  }

  public Duration ttl() {
    return ttl;
  }
}
