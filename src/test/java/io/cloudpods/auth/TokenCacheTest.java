package io.cloudpods.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.auth.TokenStore.StoredToken;
import io.cloudpods.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenCacheTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Map<String, StoredToken> rows = new HashMap<>();
  private final List<String> loads = new ArrayList<>();
  private final List<Instant> touches = new ArrayList<>();

  private final TokenCache cache =
      new TokenCache(
          new TokenCache.Source() {
            @Override
            public Optional<StoredToken> load(String hash) {
              loads.add(hash);
              return Optional.ofNullable(rows.get(hash));
            }

            @Override
            public void touch(long id, Instant when) {
              touches.add(when);
            }
          },
          clock,
          Duration.ofSeconds(5),
          Duration.ofMinutes(1),
          100);

  private void store(String hash, String name, Instant expiresAt) {
    rows.put(hash, new StoredToken(1, new Caller(name, Role.readonly, null), expiresAt, null));
  }

  @Test
  void aKnownToken_isReadFromTheDatabaseOncePerTtl() {
    store("h", "t", null);
    for (int i = 0; i < 5; i++) {
      assertThat(cache.resolve("h").caller().tokenName()).isEqualTo("t");
    }
    assertThat(loads).hasSize(1);
    clock.advance(Duration.ofSeconds(5));
    cache.resolve("h");
    assertThat(loads).hasSize(2);
  }

  @Test
  void aTokenRemovedElsewhere_stopsWorkingOnceTheTtlPassed() {
    store("h", "t", null);
    cache.resolve("h");
    rows.clear();
    assertThat(cache.resolve("h").authenticated()).isTrue();
    clock.advance(Duration.ofSeconds(5));
    assertThat(cache.resolve("h").authenticated()).isFalse();
  }

  @Test
  void invalidate_dropsTheTokenAtOnce() {
    store("h", "t", null);
    cache.resolve("h");
    rows.clear();
    cache.invalidate("t");
    assertThat(cache.resolve("h").authenticated()).isFalse();
  }

  @Test
  void unknownHashes_areNotKept() {
    cache.resolve("x");
    cache.resolve("x");
    assertThat(loads).hasSize(2);
  }

  @Test
  void anExpiredToken_isRefusedSayingExpired_evenFromTheCache() {
    store("h", "t", clock.instant().plusSeconds(2));
    assertThat(cache.resolve("h").authenticated()).isTrue();
    clock.advance(Duration.ofSeconds(2));
    TokenCache.Resolution r = cache.resolve("h");
    assertThat(r.authenticated()).isFalse();
    assertThat(r.failure()).contains("'t'").contains("expired");
  }

  @Test
  void lastUse_isWrittenAtMostOncePerInterval() {
    store("h", "t", null);
    for (int i = 0; i < 10; i++) {
      cache.resolve("h");
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(touches).hasSize(1);
    clock.advance(Duration.ofMinutes(1));
    cache.resolve("h");
    assertThat(touches).hasSize(2);
  }
}
