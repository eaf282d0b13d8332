package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** Labels copied onto every pod of a PodSet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodTemplateMeta(Map<String, String> labels) {}
