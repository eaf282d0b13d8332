package io.cloudpods.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import okhttp3.RequestBody;

/**
 * {@code backup create POD} and {@code restore BACKUP}: each writes one object ({@code PUT} of a
 * Backup or a Restore) after checking its flags, so a bad flag creates nothing. The controller
 * takes the backup or runs the restore; {@code get}/{@code describe} follow it.
 */
final class Backups {
  /** An RFC 1123 label, as the server requires of every name. */
  private static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  private static final int MAX_NAME = 63;
  private static final List<String> MODES = List.of("snapshot", "suspend", "stop");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

  private final CliMain cli;

  Backups(CliMain cli) {
    this.cli = cli;
  }

  // ---- backup create ----------------------------------------------------------------------------

  int backup(Args a) {
    List<String> ops = a.operands();
    String usage =
        "usage: cloudpods backup create POD -n T [--storage S] [--mode snapshot|suspend|stop]"
            + " [--notes TEXT] [--protected] [--name NAME]";
    if (ops.isEmpty()) {
      throw CliException.usage(usage);
    }
    if (!ops.get(0).equals("create")) {
      throw CliException.usage("unknown backup command '" + ops.get(0) + "'; " + usage);
    }
    if (ops.size() != 2) {
      throw CliException.usage(usage);
    }
    String pod = ops.get(1);
    checkName(pod, "POD");
    String output = output(a);
    String mode = a.value("mode");
    if (mode != null && !MODES.contains(mode)) {
      throw CliException.usage(
          "invalid --mode '" + mode + "' (one of: " + String.join(", ", MODES) + ")");
    }
    String storage = a.value("storage");
    if (storage != null && storage.isBlank()) {
      throw CliException.usage("--storage needs a storage id, e.g. --storage vzdump-backups");
    }
    String notes = a.value("notes");
    String name = a.value("name");
    if (name != null) {
      checkName(name, "--name");
    } else {
      name = fit(pod + "-manual", STAMP.format(cli.now()));
    }
    String tenant = tenant(a, "backup create");
    ObjectNode spec = Json.NODES.objectNode();
    spec.put("pod", pod);
    spec.put("reason", "Manual");
    if (storage != null) {
      spec.put("storage", storage.strip());
    }
    if (mode != null) {
      spec.put("mode", mode);
    }
    if (notes != null) {
      spec.put("notes", notes);
    }
    if (a.bool("protected")) {
      spec.put("protected", true);
    }
    JsonNode created = create(ResourceKind.BACKUP, tenant, name, spec);
    print(ResourceKind.BACKUP, created, name, output, "");
    return 0;
  }

  // ---- restore ----------------------------------------------------------------------------------

  int restore(Args a) {
    List<String> ops = a.operands();
    if (ops.size() != 1) {
      throw CliException.usage(
          "usage: cloudpods restore BACKUP -n T [--as NAME | --in-place] [--name RESTORE]");
    }
    String backup = ops.get(0);
    checkName(backup, "BACKUP");
    String output = output(a);
    String as = a.value("as");
    boolean inPlace = a.bool("in-place");
    if (as != null && inPlace) {
      throw CliException.usage(
          "--as and --in-place exclude each other: --as NAME restores the backup as a new pod"
              + " NAME, --in-place replaces the backed-up pod's container");
    }
    if (as != null) {
      checkName(as, "--as");
    }
    String name = a.value("name");
    if (name != null) {
      checkName(name, "--name");
    }
    String tenant = tenant(a, "restore");
    JsonNode b =
        cli.http()
            .find(ResourceKind.BACKUP.objectPath(tenant, backup))
            .orElseThrow(
                () ->
                    CliException.failure(
                        "backup '"
                            + backup
                            + "' not found in tenant "
                            + tenant
                            + "; nothing done"));
    String pod = b.path("spec").path("pod").asText(backup);
    String stamp = STAMP.format(cli.now());
    ObjectNode target = Json.NODES.objectNode();
    String what;
    if (inPlace) {
      target.put("inPlace", true);
      if (name == null) {
        name = fit(pod + "-inplace", stamp);
      }
      what = " (in place of pod " + pod + ", after a BeforeRestore backup of it)";
    } else {
      String podName = as != null ? as : fit(pod + "-restored", stamp);
      target.put("podName", podName);
      if (name == null) {
        name = podName;
      }
      what = " (as new pod " + podName + ")";
    }
    ObjectNode spec = Json.NODES.objectNode();
    spec.put("backup", backup);
    spec.set("target", target);
    JsonNode created = create(ResourceKind.RESTORE, tenant, name, spec);
    print(ResourceKind.RESTORE, created, name, output, what);
    return 0;
  }

  // ---- shared -----------------------------------------------------------------------------------

  private String output(Args a) {
    String output = a.value("output") == null ? "" : a.value("output");
    if (!List.of("", "json", "yaml", "name").contains(output)) {
      throw CliException.usage("unknown output format '" + output + "' (one of: json, yaml, name)");
    }
    return output;
  }

  private String tenant(Args a, String command) {
    String tenant = cli.tenant(a);
    if (tenant == null) {
      throw CliException.usage(
          command + " needs the tenant: pass --tenant T (or set CLOUDPODS_TENANT)");
    }
    return tenant;
  }

  /**
   * PUT of a new object; an object of that name that exists already is an error (a PUT would change
   * it instead of creating one).
   */
  private JsonNode create(ResourceKind kind, String tenant, String name, ObjectNode spec) {
    String path = kind.objectPath(tenant, name);
    Http http = cli.http();
    if (http.find(path).isPresent()) {
      throw CliException.failure(
          kind.singular()
              + " '"
              + name
              + "' exists already in tenant "
              + tenant
              + "; choose another name with --name");
    }
    ObjectNode o = Json.NODES.objectNode();
    o.put("apiVersion", "cloudpods.io/v1alpha1");
    o.put("kind", kind.kind());
    ObjectNode meta = o.putObject("metadata");
    meta.put("name", name);
    meta.put("tenant", tenant);
    o.set("spec", spec);
    return http.call("PUT", path, RequestBody.create(Json.compact(o), Http.JSON));
  }

  private void print(ResourceKind kind, JsonNode created, String name, String output, String what) {
    switch (output) {
      case "json" -> cli.out.println(Json.pretty(created));
      case "yaml" -> cli.out.print(Json.yaml(created));
      case "name" -> cli.out.println(kind.singular() + "/" + name);
      default -> cli.out.println(kind.qualified() + "/" + name + " created" + what);
    }
  }

  private static void checkName(String value, String what) {
    if (value.length() > MAX_NAME || !NAME.matcher(value).matches()) {
      throw CliException.usage(
          "invalid "
              + what
              + " '"
              + value
              + "': a name is at most 63 lowercase letters, digits and '-', starting and ending"
              + " with a letter or digit");
    }
  }

  /**
   * {@code <head>-<suffix>}, at most 63 characters: a longer head is cut and made unique with a
   * short hash of the whole head (the controller names its backups the same way).
   */
  static String fit(String head, String suffix) {
    String whole = head + "-" + suffix;
    if (whole.length() <= MAX_NAME) {
      return whole;
    }
    String hash;
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(head.getBytes(StandardCharsets.UTF_8));
      hash = HexFormat.of().formatHex(d, 0, 3);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String cut = head.substring(0, MAX_NAME - suffix.length() - hash.length() - 2);
    while (cut.endsWith("-")) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return cut + "-" + hash + "-" + suffix;
  }

  /** For tests: the stamp a name made at {@code t} carries. */
  static String stamp(Instant t) {
    return STAMP.format(t);
  }
}
