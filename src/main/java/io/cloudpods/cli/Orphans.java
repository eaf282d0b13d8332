package io.cloudpods.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import okhttp3.RequestBody;

/**
 * {@code cloudpods orphans list|adopt|delete}: containers with our marker whose pod is not stored,
 * through {@code /api/v1/orphans}.
 */
final class Orphans {

  /**
   * How long a delete waits while the replica it asks does not hold the orphan's cluster lease (a
   * handover or failover takes seconds); after that it fails naming the replica that holds it.
   */
  static final java.time.Duration LEASE_WAIT = java.time.Duration.ofSeconds(20);

  private final CliMain cli;

  Orphans(CliMain cli) {
    this.cli = cli;
  }

  int run(Args a) {
    List<String> ops = a.operands();
    if (ops.isEmpty()) {
      throw CliException.usage(
          "usage: cloudpods orphans list|adopt|delete (see 'cloudpods help orphans')");
    }
    List<String> rest = ops.subList(1, ops.size());
    return switch (ops.get(0)) {
      case "list", "ls" -> list(a, rest);
      case "adopt" -> adopt(a, rest);
      case "delete", "rm" -> delete(a, rest);
      default ->
          throw CliException.usage(
              "unknown orphans command '" + ops.get(0) + "' (expected list, adopt or delete)");
    };
  }

  private int list(Args a, List<String> rest) {
    if (!rest.isEmpty()) {
      throw CliException.usage("usage: cloudpods orphans list [-o json|yaml]");
    }
    String output = a.value("output");
    if (output != null && !output.equals("json") && !output.equals("yaml")) {
      throw CliException.usage(
          "-o/--output for orphans list is json or yaml, not '" + output + "'");
    }
    JsonNode list = cli.http().get("/api/v1/orphans");
    if ("json".equals(output)) {
      cli.out.println(Json.pretty(list));
      return 0;
    }
    if ("yaml".equals(output)) {
      cli.out.print(Json.yaml(list));
      return 0;
    }
    Table t =
        new Table(
            List.of(
                "CLUSTER", "VMID", "NODE", "NAME", "STATUS", "OWNER UID", "TENANT TAG", "SINCE"));
    for (JsonNode o : list.path("items")) {
      String tenant = "<none>";
      for (JsonNode tag : o.path("tags")) {
        if (tag.asText().startsWith("tenant-")) {
          tenant = tag.asText();
        }
      }
      t.row(
          List.of(
              o.path("cluster").asText("default"),
              o.path("vmid").asText(),
              o.path("node").asText(),
              o.path("name").asText(""),
              o.path("status").asText(""),
              o.path("ownerUid").asText(""),
              tenant,
              o.path("since").asText("")));
    }
    if (list.path("items").isEmpty()) {
      cli.err.println("no orphans");
      return 0;
    }
    t.print(cli.out, !a.bool("no-headers"));
    return 0;
  }

  private int adopt(Args a, List<String> rest) {
    if (rest.size() != 1) {
      throw CliException.usage(
          "usage: cloudpods orphans adopt NAME|VMID --tenant T [--ip-pool P] [--cluster C]");
    }
    String tenant = a.value("tenant");
    if (tenant == null || tenant.isBlank()) {
      throw CliException.usage("--tenant T is required: the tenant the adopted pod belongs to");
    }
    ObjectNode body = Json.NODES.objectNode();
    body.put("tenant", tenant);
    if (a.value("ip-pool") != null) {
      body.put("ipPool", a.value("ip-pool"));
    }
    JsonNode pod =
        cli.http()
            .call(
                "POST",
                "/api/v1/orphans/" + Http.segment(rest.get(0)) + "/adopt" + clusterQuery(a, "?"),
                RequestBody.create(Json.compact(body), Http.JSON));
    cli.out.println(
        "cloudpod/"
            + pod.path("metadata").path("name").asText()
            + " created in tenant "
            + tenant
            + " with spec.adopt: true (VMID "
            + pod.path("spec").path("vmid").asText()
            + ", address "
            + pod.path("spec").path("ip").asText()
            + "); the controller takes the container over once it matches");
    return 0;
  }

  private int delete(Args a, List<String> rest) {
    if (rest.size() != 1) {
      throw CliException.usage(
          "usage: cloudpods orphans delete NAME|VMID --yes [--skip-final-backup] [--timeout 30m]"
              + " [--cluster C]");
    }
    if (!a.bool("yes")) {
      throw CliException.usage(
          "orphans delete destroys container " + rest.get(0) + " in Proxmox; confirm with --yes");
    }
    String wait = a.value("timeout");
    java.time.Duration timeout =
        wait == null ? java.time.Duration.ofMinutes(30) : CliMain.parseDuration(wait, "--timeout");
    String path = "/api/v1/orphans/" + Http.segment(rest.get(0));
    boolean skip = a.bool("skip-final-backup");
    long deadline = System.nanoTime() + timeout.toNanos();
    long leaseWaitUntil = System.nanoTime() + LEASE_WAIT.toNanos();
    boolean toldLease = false;
    String task = null;
    JsonNode r;
    while (true) {
      List<String> q = new ArrayList<>();
      if (!clusterQuery(a, "").isEmpty()) {
        q.add(clusterQuery(a, ""));
      }
      if (skip) {
        q.add("skipFinalBackup=true");
      }
      if (task != null) {
        q.add("finalBackupTask=" + Http.segment(task));
      }
      String target = path + (q.isEmpty() ? "" : "?" + String.join("&", q));
      try {
        r = cli.http().call("DELETE", target, null);
      } catch (ServerException e) {
        if (e.status() != 503 || !"NotLeaseHolder".equals(e.reason())) {
          throw e;
        }
        // another replica holds the cluster's lease: nothing was changed; it may come here soon
        long left = Math.min(deadline, leaseWaitUntil) - System.nanoTime();
        if (left <= 0) {
          throw e;
        }
        if (!toldLease) {
          cli.err.println("waiting for this replica to hold the lease: " + e.getMessage());
          toldLease = true;
        }
        pause(Math.min(cli.pollInterval.toMillis(), left / 1_000_000 + 1), task);
        continue;
      }
      if (!"FinalBackupRunning".equals(r.path("phase").asText())) {
        break;
      }
      if (task == null) {
        task = r.path("finalBackupTask").asText();
        cli.err.println(
            "final backup of orphan " + r.path("vmid").asText() + " running (task " + task + ")");
      }
      if (System.nanoTime() > deadline) {
        throw CliException.failure(
            "the final backup of orphan "
                + r.path("vmid").asText()
                + " is still running after --timeout "
                + (wait == null ? "30m" : wait)
                + " (task "
                + task
                + "); the container is not deleted yet: run the delete again later");
      }
      pause(2000, task);
    }
    String backup = r.path("finalBackup").asText("");
    cli.out.println(
        "orphan "
            + r.path("vmid").asText()
            + " on "
            + r.path("node").asText()
            + " is being destroyed (task "
            + r.path("task").asText()
            + ")"
            + (backup.isEmpty()
                ? " without a final backup"
                : "; its final backup " + backup + " is kept protected"));
    return 0;
  }

  private static void pause(long millis, String task) {
    try {
      Thread.sleep(Math.max(1, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.failure(
          task == null
              ? "interrupted; the orphan is not deleted"
              : "interrupted; the final backup task " + task + " runs on");
    }
  }

  /**
   * {@code cluster=C} of {@code --cluster C}, after {@code prefix}; empty without the flag. Names
   * the orphan's Proxmox cluster when its name or VMID is found in more than one.
   */
  private static String clusterQuery(Args a, String prefix) {
    String cluster = a.value("cluster");
    if (cluster == null) {
      return "";
    }
    if (cluster.isBlank()) {
      throw CliException.usage("--cluster needs the name of a Proxmox cluster");
    }
    return prefix + "cluster=" + Http.segment(cluster);
  }
}
