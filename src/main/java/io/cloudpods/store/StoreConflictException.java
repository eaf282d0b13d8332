package io.cloudpods.store;

/**
 * A write lost against the stored state (stale resourceVersion, object being deleted, object in
 * use).
 */
public class StoreConflictException extends RuntimeException {
  private final String field;

  public StoreConflictException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
