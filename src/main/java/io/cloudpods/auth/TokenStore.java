package io.cloudpods.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * API tokens, stored as SHA-256 hashes only ({@code api_token}). A tenant token is bound to the
 * tenant's uid ({@code tenant_uid}, ON DELETE CASCADE): it goes with its tenant row and never
 * authenticates for a later tenant of the same name.
 */
@ApplicationScoped
@Transactional
public class TokenStore {
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final String COLUMNS =
      "t.name, t.role, t.tenant, t.created_at, t.expires_at, t.last_used_at, t.created_by";

  /** A stored token as authentication sees it. */
  public record StoredToken(long id, Caller caller, Instant expiresAt, Instant lastUsedAt) {}

  private final EntityManager em;

  public TokenStore(EntityManager em) {
    this.em = em;
  }

  /** A fresh random secret; shown once, never stored. */
  public static String newSecret() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return "cp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /**
   * Creates a token with a fresh random secret and returns the secret (shown once, never stored).
   */
  public String create(String name, Role role, String tenant) {
    String token = newSecret();
    put(name, role, tenant, token);
    return token;
  }

  /**
   * Inserts a new token; false if the name is taken. A tenant token is bound to the uid the tenant
   * has now; false too if that tenant does not exist.
   */
  public boolean insert(
      String name, Role role, String tenant, String token, Instant expiresAt, String createdBy) {
    checkTenant(role, tenant);
    int n =
        em.createNativeQuery(
                "INSERT INTO api_token (name, token_hash, role, tenant, tenant_uid, expires_at, created_by)"
                    + " SELECT ?1, ?2, ?3, CAST(?4 AS text),"
                    + " (SELECT uid FROM tenant WHERE name = CAST(?4 AS text)), ?5, ?6"
                    + " WHERE CAST(?4 AS text) IS NULL OR EXISTS (SELECT 1 FROM tenant WHERE name = CAST(?4 AS text))"
                    + " ON CONFLICT (name) DO NOTHING")
            .setParameter(1, name)
            .setParameter(2, sha256(token))
            .setParameter(3, role.name())
            .setParameter(4, tenant)
            .setParameter(5, expiresAt == null ? null : Timestamp.from(expiresAt))
            .setParameter(6, createdBy)
            .executeUpdate();
    return n == 1;
  }

  /** Stores (or replaces, by name) a token with the given secret; it does not expire. */
  public void put(String name, Role role, String tenant, String token) {
    checkTenant(role, tenant);
    int n =
        em.createNativeQuery(
                "INSERT INTO api_token (name, token_hash, role, tenant, tenant_uid)"
                    + " SELECT ?1, ?2, ?3, CAST(?4 AS text), (SELECT uid FROM tenant WHERE name = CAST(?4 AS text))"
                    + " WHERE CAST(?4 AS text) IS NULL OR EXISTS (SELECT 1 FROM tenant WHERE name = CAST(?4 AS text))"
                    + " ON CONFLICT (name) DO UPDATE SET token_hash = EXCLUDED.token_hash, role = EXCLUDED.role,"
                    + " tenant = EXCLUDED.tenant, tenant_uid = EXCLUDED.tenant_uid, expires_at = NULL")
            .setParameter(1, name)
            .setParameter(2, sha256(token))
            .setParameter(3, role.name())
            .setParameter(4, tenant)
            .executeUpdate();
    if (n != 1) {
      throw new IllegalArgumentException("tenant " + tenant + " does not exist");
    }
  }

  private static void checkTenant(Role role, String tenant) {
    if ((role == Role.tenant) != (tenant != null)) {
      throw new IllegalArgumentException("exactly the tenant role carries a tenant");
    }
  }

  /** Empty if there is no tenant of that name; else whether it is marked for deletion. */
  public Optional<Boolean> tenantDeleting(String tenant) {
    @SuppressWarnings("unchecked")
    List<Object> rows =
        em.createNativeQuery("SELECT deletion_timestamp IS NOT NULL FROM tenant WHERE name = ?1")
            .setParameter(1, tenant)
            .getResultList();
    return rows.stream().findFirst().map(o -> (Boolean) o);
  }

  /** Removes a token; false if there was none of that name. */
  public boolean delete(String name) {
    return em.createNativeQuery("DELETE FROM api_token WHERE name = ?1")
            .setParameter(1, name)
            .executeUpdate()
        == 1;
  }

  /** Is there an admin token (expired or not)? */
  public boolean anyAdmin() {
    return ((Number)
                em.createNativeQuery("SELECT count(*) FROM api_token WHERE role = 'admin'")
                    .getSingleResult())
            .longValue()
        > 0;
  }

  public List<TokenInfo> list() {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery("SELECT " + COLUMNS + " FROM api_token t ORDER BY t.name")
            .getResultList();
    return rows.stream().map(TokenStore::info).toList();
  }

  public Optional<TokenInfo> find(String name) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery("SELECT " + COLUMNS + " FROM api_token t WHERE t.name = ?1")
            .setParameter(1, name)
            .getResultList();
    return rows.stream().findFirst().map(TokenStore::info);
  }

  private static TokenInfo info(Object[] r) {
    return new TokenInfo(
        (String) r[0],
        Role.valueOf((String) r[1]),
        (String) r[2],
        instant(r[3]),
        instant(r[4]),
        instant(r[5]),
        (String) r[6]);
  }

  /**
   * The stored token of a SHA-256 hash, expired or not. A tenant token answers with the name its
   * tenant row has now, and only while that row (by uid) exists.
   */
  public Optional<StoredToken> lookupHash(String hash) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT t.id, t.name, t.role, tn.name, t.expires_at, t.last_used_at FROM api_token t"
                    + " LEFT JOIN tenant tn ON tn.uid = t.tenant_uid"
                    + " WHERE t.token_hash = ?1 AND (t.role <> 'tenant' OR tn.uid IS NOT NULL)")
            .setParameter(1, hash)
            .getResultList();
    return rows.stream()
        .findFirst()
        .map(
            r ->
                new StoredToken(
                    ((Number) r[0]).longValue(),
                    new Caller((String) r[1], Role.valueOf((String) r[2]), (String) r[3]),
                    instant(r[4]),
                    instant(r[5])));
  }

  /** The caller a presented token stands for, if it is known and not expired. */
  public Optional<Caller> lookup(String token) {
    return lookupHash(sha256(token))
        .filter(t -> t.expiresAt() == null || t.expiresAt().isAfter(Instant.now()))
        .map(StoredToken::caller);
  }

  /** Records a use of the token. */
  public void touch(long id, Instant when) {
    em.createNativeQuery("UPDATE api_token SET last_used_at = ?2 WHERE id = ?1")
        .setParameter(1, id)
        .setParameter(2, Timestamp.from(when))
        .executeUpdate();
  }

  private static Instant instant(Object o) {
    if (o instanceof Timestamp t) {
      return t.toInstant();
    }
    if (o instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    if (o instanceof Instant i) {
      return i;
    }
    return null;
  }

  public static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
