package io.cloudpods.manager;

import java.time.Instant;

/**
 * What the change listener is doing: {@code connected} or not, {@code since} when (its start,
 * before the first connection), and its last failure ({@code lastError} and {@code lastErrorAt}
 * null when there was none).
 */
public record ChangeListenerState(
    boolean connected, Instant since, String lastError, Instant lastErrorAt) {}
