package io.cloudpods.api.v1alpha1;

/** The API group/version of every kind in this package. */
public final class ApiVersion {
  public static final String V1ALPHA1 = "cloudpods.io/v1alpha1";

  private ApiVersion() {}
}
