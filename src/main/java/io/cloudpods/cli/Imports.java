package io.cloudpods.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudpods.imports.ImportFileException;
import io.cloudpods.imports.ImportWarning;
import io.cloudpods.imports.IpamFile;
import io.cloudpods.imports.LogPod;
import io.cloudpods.imports.SeedLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import okhttp3.RequestBody;

/**
 * {@code cloudpods import seed}: reads the seed scripts' IPAM file and JSON log here (streamed; a
 * large log never sits in memory), sends what they say to {@code POST /api/v1/imports/seed} and
 * prints, per container, what the server found and what it did (or, with {@code --dry-run}, would
 * do).
 */
final class Imports {

  private final CliMain cli;

  Imports(CliMain cli) {
    this.cli = cli;
  }

  int run(Args a) {
    List<String> ops = a.operands();
    if (ops.size() != 1 || !ops.get(0).equals("seed")) {
      throw CliException.usage(
          "usage: cloudpods import seed --ipam FILE --log FILE [--tenant-default T]"
              + " [--ip-pool P] [--cluster C] [--dry-run] [-o yaml|json]");
    }
    String ipamFile = required(a, "ipam");
    String logFile = required(a, "log");
    String output = a.value("output");
    if (output != null && !output.equals("yaml") && !output.equals("json")) {
      throw CliException.usage("-o/--output for import seed is yaml or json, not '" + output + "'");
    }
    String tenantDefault = a.value("tenant-default");
    if (tenantDefault != null && !tenantDefault.matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")) {
      throw CliException.usage(
          "--tenant-default '" + tenantDefault + "' is not a tenant name (RFC 1123 label)");
    }
    String ipPool = a.value("ip-pool");
    String cluster = a.value("cluster");
    if (cluster != null && !cluster.matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")) {
      throw CliException.usage(
          "--cluster '" + cluster + "' is not the name of a Proxmox cluster (RFC 1123 label)");
    }
    IpamFile.Contents ipam = read(ipamFile, "--ipam", in -> IpamFile.read(in, ipamFile));
    SeedLog.Contents log = read(logFile, "--log", in -> SeedLog.read(in, logFile));
    List<String> warnings = new ArrayList<>();
    for (ImportWarning w : ipam.warnings()) {
      warnings.add(w.toString());
    }
    for (ImportWarning w : log.warnings()) {
      warnings.add(w.toString());
    }
    for (String w : warnings) {
      cli.err.println("warning: " + w);
    }

    ObjectNode body = Json.NODES.objectNode();
    body.put("dryRun", a.bool("dry-run"));
    if (tenantDefault != null) {
      body.put("tenantDefault", tenantDefault);
    }
    if (ipPool != null) {
      body.put("ipPool", ipPool);
    }
    if (cluster != null) {
      body.put("cluster", cluster);
    }
    ArrayNode entries = body.putArray("ipam");
    for (IpamFile.Entry e : ipam.entries()) {
      entries.addObject().put("ip", e.ip()).put("line", e.line());
    }
    ArrayNode pods = body.putArray("log");
    for (LogPod p : log.pods().values()) {
      ObjectNode o = pods.addObject();
      o.put("vmid", p.vmid());
      o.put("hostname", p.hostname());
      o.put("ip", p.ip());
      o.put("tenant", p.tenant());
      o.put("cores", p.cores());
      o.put("memoryMb", p.memoryMb());
      o.put("state", p.state().name());
      o.put("line", p.line());
    }
    ArrayNode w = body.putArray("warnings");
    warnings.forEach(w::add);
    JsonNode result =
        cli.http()
            .call(
                "POST", "/api/v1/imports/seed", RequestBody.create(Json.compact(body), Http.JSON));
    if ("yaml".equals(output)) {
      cli.out.print(Json.yaml(result));
      return 0;
    }
    if ("json".equals(output)) {
      cli.out.println(Json.pretty(result));
      return 0;
    }
    print(result);
    return 0;
  }

  private void print(JsonNode r) {
    boolean dry = r.path("dryRun").asBoolean();
    Table t = new Table(List.of("VMID", "NODE", "HOSTNAME", "ADDRESS", "ACTION", "DETAIL"));
    for (JsonNode d : r.path("containers")) {
      t.row(
          List.of(
              d.path("vmid").asText(),
              d.hasNonNull("node") ? d.get("node").asText() : "<none>",
              d.hasNonNull("hostname") ? d.get("hostname").asText() : "<none>",
              d.hasNonNull("ip") ? d.get("ip").asText() : "<none>",
              d.path("verdict").asText().toLowerCase(java.util.Locale.ROOT),
              d.path("reason").asText()));
    }
    t.print(cli.out, true);
    for (JsonNode d : r.path("containers")) {
      for (JsonNode n : d.path("notes")) {
        cli.out.println("  note: " + d.path("vmid").asText() + ": " + n.asText());
      }
    }
    for (JsonNode tn : r.path("tenants")) {
      cli.out.println(
          (dry ? "would create" : "create")
              + " tenant/"
              + tn.path("name").asText()
              + " (quota derived from its pods: maxPods "
              + tn.path("maxPods").asText()
              + ", maxCores "
              + tn.path("maxCores").asText()
              + ", maxMemoryMb "
              + tn.path("maxMemoryMb").asText()
              + ", maxDiskGb "
              + tn.path("maxDiskGb").asText()
              + ")");
    }
    for (JsonNode rs : r.path("reservations")) {
      cli.out.println(
          (rs.hasNonNull("pool")
                  ? (dry ? "would reserve " : "reserve ")
                      + rs.get("ip").asText()
                      + " in ippool/"
                      + rs.get("pool").asText()
                  : "not reserved " + rs.path("ip").asText())
              + ": "
              + rs.path("reason").asText());
    }
    for (JsonNode wr : r.path("written")) {
      if (!"unchanged".equals(wr.path("result").asText())) {
        cli.out.println(
            wr.path("kind").asText().toLowerCase(java.util.Locale.ROOT)
                + "/"
                + (wr.hasNonNull("tenant") ? wr.get("tenant").asText() + "/" : "")
                + wr.path("name").asText()
                + " "
                + wr.path("result").asText()
                + (dry ? " (dry run)" : ""));
      }
    }
    JsonNode s = r.path("summary");
    cli.out.println(
        (dry ? "dry run, nothing changed: " : "")
            + s.path("adopt").asInt()
            + " to adopt, "
            + s.path("skip").asInt()
            + " skipped, "
            + s.path("conflict").asInt()
            + " conflicts, "
            + s.path("tenants").asInt()
            + " tenants to create, "
            + s.path("reserved").asInt()
            + " addresses to reserve");
  }

  private static String required(Args a, String flag) {
    String v = a.value(flag);
    if (v == null || v.isBlank()) {
      throw CliException.usage("--" + flag + " FILE is required (see 'cloudpods help import')");
    }
    return v;
  }

  private interface Reader<T> {
    T read(InputStream in);
  }

  private <T> T read(String file, String flag, Reader<T> reader) {
    Path p = cli.cwd.resolve(file);
    try (InputStream in = Files.newInputStream(p)) {
      return reader.read(in);
    } catch (IOException e) {
      throw CliException.failure("cannot read " + flag + " " + file + ": " + reason(e));
    } catch (UncheckedIOException e) {
      throw CliException.failure("cannot read " + flag + " " + file + ": " + reason(e.getCause()));
    } catch (ImportFileException e) {
      throw CliException.failure(flag + " " + e.getMessage());
    }
  }

  private static String reason(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.io.FileNotFoundException || e.getMessage() == null) {
      return e.getClass().getSimpleName();
    }
    return e.getMessage().lines().findFirst().orElse("");
  }
}
