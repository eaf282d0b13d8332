package io.cloudpods.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * What the API shows of a stored token: never its secret, never its hash. {@code tenant} is null
 * for admin and read-only tokens, {@code expiresAt} null for a token that does not expire, {@code
 * lastUsedAt} null for a token never used (it is written at most once a minute per token).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TokenInfo(
    String name,
    Role role,
    String tenant,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt,
    String createdBy) {}
