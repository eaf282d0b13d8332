package io.cloudpods.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The object that owns this one (today: the PodSet of a CloudPod it created). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OwnerReference(String kind, String name, String uid) {}
