package io.cloudpods.store;

/** A spec write's outcome and the object as stored afterwards. */
public record Written<T>(WriteOutcome outcome, T object) {}
