package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What every pod of a PodSet looks like. {@code ip} and {@code vmid} are always allocated. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodTemplate(PodTemplateMeta metadata, CloudPodSpec spec) {}
