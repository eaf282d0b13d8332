package io.cloudpods.apiserver;

/** One offending field of a rejected request, as a JSON path without the leading {@code $.}. */
public record FieldError(String field, String message) {
  public FieldError prefixed(String prefix) {
    return new FieldError(
        prefix.isEmpty()
            ? field
            : (field == null || field.isEmpty() ? prefix.replaceAll("\\.$", "") : prefix + field),
        message);
  }
}
