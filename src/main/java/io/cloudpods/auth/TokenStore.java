package io.cloudpods.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** API tokens, stored as SHA-256 hashes only ({@code api_token}). */
@ApplicationScoped
@Transactional
public class TokenStore {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final EntityManager em;

  public TokenStore(EntityManager em) {
    this.em = em;
  }

  /**
   * Creates a token with a fresh random secret and returns the secret (shown once, never stored).
   */
  public String create(String name, Role role, String tenant) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = "cp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    put(name, role, tenant, token);
    return token;
  }

  /** Stores (or replaces, by name) a token with the given secret. */
  public void put(String name, Role role, String tenant, String token) {
    if ((role == Role.tenant) != (tenant != null)) {
      throw new IllegalArgumentException("exactly the tenant role carries a tenant");
    }
    em.createNativeQuery(
            "INSERT INTO api_token (name, token_hash, role, tenant) VALUES (?1, ?2, ?3, CAST(?4 AS text))"
                + " ON CONFLICT (name) DO UPDATE SET token_hash = EXCLUDED.token_hash, role = EXCLUDED.role, tenant = EXCLUDED.tenant")
        .setParameter(1, name)
        .setParameter(2, sha256(token))
        .setParameter(3, role.name())
        .setParameter(4, tenant)
        .executeUpdate();
  }

  public void delete(String name) {
    em.createNativeQuery("DELETE FROM api_token WHERE name = ?1")
        .setParameter(1, name)
        .executeUpdate();
  }

  /** The caller a presented token stands for, if it is known. */
  public Optional<Caller> lookup(String token) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery("SELECT name, role, tenant FROM api_token WHERE token_hash = ?1")
            .setParameter(1, sha256(token))
            .getResultList();
    return rows.stream()
        .findFirst()
        .map(r -> new Caller((String) r[0], Role.valueOf((String) r[1]), (String) r[2]));
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
