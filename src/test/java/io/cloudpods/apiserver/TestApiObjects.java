package io.cloudpods.apiserver;

import io.cloudpods.testsupport.TestApi;
import java.util.Map;

final class TestApiObjects {
  private TestApiObjects() {}

  static Map<String, Object> podWithoutTenant(String name, String pool) {
    return TestApi.object("CloudPod", Map.of("name", name), Map.of("ipPool", pool));
  }
}
