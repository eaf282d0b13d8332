package io.cloudpods.cli;

import java.time.Instant;

/** Server answers in the API's wire shapes. */
final class Fixtures {
  private Fixtures() {}

  static String ago(long seconds) {
    return Instant.now().minusSeconds(seconds).toString();
  }

  static String pod(
      String tenant,
      String name,
      String phase,
      String ready,
      Integer vmid,
      String node,
      String ip,
      long ageSeconds) {
    return """
        {"apiVersion":"cloudpods.io/v1alpha1","kind":"CloudPod",
         "metadata":{"name":"%s","tenant":"%s","uid":"u-%s","generation":1,"resourceVersion":"3","creationTimestamp":"%s","labels":{"app":"web"}},
         "spec":{"cores":2,"memoryMb":2048,"swapMb":512,"diskGb":8,"template":9000,"storage":"clients-main","ipPool":"default","powerState":"Running","cloneMode":"full"},
         "status":{"phase":"%s","vmid":%s,"node":%s,"ip":%s,"observedGeneration":1,
           "conditions":[{"type":"Ready","status":"%s","reason":"%s","message":"%s","lastTransitionTime":"%s","observedGeneration":1}]}}
        """
        .formatted(
            name,
            tenant,
            name,
            ago(ageSeconds),
            phase,
            vmid == null ? "null" : vmid.toString(),
            node == null ? "null" : "\"" + node + "\"",
            ip == null ? "null" : "\"" + ip + "\"",
            ready,
            ready.equals("True") ? "Running" : "Creating",
            ready.equals("True") ? "" : "cloning template 9000",
            ago(ageSeconds));
  }

  static String list(String kind, String... items) {
    return "{\"apiVersion\":\"cloudpods.io/v1alpha1\",\"kind\":\""
        + kind
        + "List\",\"items\":["
        + String.join(",", items)
        + "]}";
  }

  static String error(int code, String reason, String message, String detailsJson) {
    return "{\"code\":"
        + code
        + ",\"reason\":\""
        + reason
        + "\",\"message\":\""
        + message
        + "\",\"details\":"
        + detailsJson
        + "}";
  }
}
