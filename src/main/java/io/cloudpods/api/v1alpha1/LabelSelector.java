package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** Pods whose labels hold every entry of {@code matchLabels}; empty or absent matches all. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabelSelector(Map<String, String> matchLabels) {

  public boolean matches(Map<String, String> labels) {
    if (matchLabels == null || matchLabels.isEmpty()) {
      return true;
    }
    if (labels == null) {
      return false;
    }
    return matchLabels.entrySet().stream()
        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
