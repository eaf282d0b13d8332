package io.cloudpods.apiserver;

import io.cloudpods.api.v1alpha1.ApiVersion;
import java.util.List;

/** A list answer: {@code {"apiVersion", "kind": "<Kind>List", "items": [...]}}. */
public record ObjectList<T>(String apiVersion, String kind, List<T> items) {
  public static <T> ObjectList<T> of(String kind, List<T> items) {
    return new ObjectList<>(ApiVersion.V1ALPHA1, kind + "List", items);
  }
}
