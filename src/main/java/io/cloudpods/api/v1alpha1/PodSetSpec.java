package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * @param spread {@code zone}: the pods are spread over the zones of the template's region, pod
 *     {@code i} in the {@code i mod n}-th zone (by name); absent: no spreading
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodSetSpec(Integer replicas, PodTemplate template, String spread) {

  /** {@code spec.spread} value: one pod per zone in turn. */
  public static final String SPREAD_ZONE = "zone";

  public PodSetSpec(Integer replicas, PodTemplate template) {
    this(replicas, template, null);
  }

  public boolean spreadsOverZones() {
    return SPREAD_ZONE.equals(spread);
  }

  /** The same spec with the template's pod spec replaced. */
  public PodSetSpec withTemplateSpec(CloudPodSpec spec) {
    return new PodSetSpec(
        replicas, new PodTemplate(template == null ? null : template.metadata(), spec), spread);
  }
}
