package io.cloudpods.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudpods.apiserver.FieldError;
import io.cloudpods.apiserver.ManifestParser;
import io.cloudpods.apiserver.SchemaRegistry;
import io.cloudpods.store.Json;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JSON Schemas in {@code crd-like-schemas/} are the source of truth; the wire records must
 * describe exactly the same properties, recursively, and the example manifests must validate and
 * survive a round trip through the records unchanged.
 */
class SchemaAgreementTest {

  private static final SchemaRegistry SCHEMAS = new SchemaRegistry();

  private static JsonNode schema(Kind kind) throws IOException {
    try (InputStream in =
        SchemaAgreementTest.class.getClassLoader().getResourceAsStream(kind.schemaResource())) {
      assertThat(in).as(kind.schemaResource() + " on the classpath").isNotNull();
      return Json.MAPPER.readTree(in);
    }
  }

  private static Class<?> record(Kind kind) {
    return switch (kind) {
      case Tenant -> Tenant.class;
      case IpPool -> IpPool.class;
      case ProxmoxCluster -> ProxmoxCluster.class;
      case CloudPod -> CloudPod.class;
      case PodSet -> PodSet.class;
      case BackupPolicy -> BackupPolicy.class;
      case Backup -> Backup.class;
      case Restore -> Restore.class;
    };
  }

  /**
   * Record components a kind's schema forbids on purpose. They stay null for that kind, so they are
   * never written (nulls are omitted) and never accepted on input.
   */
  private static final Set<String> FORBIDDEN_BY_SCHEMA =
      Set.of(
          // cluster-scoped kinds share ObjectMeta but have no tenant and no owner
          "Tenant.metadata.tenant is in the record but not in the schema",
          "Tenant.metadata.ownerReference is in the record but not in the schema",
          "IpPool.metadata.tenant is in the record but not in the schema",
          "IpPool.metadata.ownerReference is in the record but not in the schema",
          "ProxmoxCluster.metadata.tenant is in the record but not in the schema",
          "ProxmoxCluster.metadata.ownerReference is in the record but not in the schema",
          // every pod of a PodSet gets its own address and VMID
          "PodSet.spec.template.spec.ip is in the record but not in the schema",
          "PodSet.spec.template.spec.vmid is in the record but not in the schema",
          // a PodSet's pods are provisioned from the template, never from a backup
          "PodSet.spec.template.spec.restoreFrom is in the record but not in the schema",
          // a PodSet's pods are new containers: never adopted, their network always managed
          "PodSet.spec.template.spec.adopt is in the record but not in the schema",
          "PodSet.spec.template.spec.network is in the record but not in the schema",
          // nothing owns a BackupPolicy, Backup or Restore
          "BackupPolicy.metadata.ownerReference is in the record but not in the schema",
          "Backup.metadata.ownerReference is in the record but not in the schema",
          "Restore.metadata.ownerReference is in the record but not in the schema");

  @ParameterizedTest
  @EnumSource(Kind.class)
  void recordAndSchema_describeTheSameProperties(Kind kind) throws IOException {
    JsonNode root = schema(kind);
    List<String> mismatches = new ArrayList<>();
    compare(record(kind), root, root, kind.name(), mismatches);
    mismatches.removeAll(FORBIDDEN_BY_SCHEMA);
    assertThat(mismatches).isEmpty();
  }

  private static void compare(
      Type type, JsonNode schema, JsonNode root, String path, List<String> out) {
    schema = resolve(schema, root);
    Class<?> raw =
        type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (raw.isRecord()) {
      Set<String> inRecord = new TreeSet<>();
      for (RecordComponent c : raw.getRecordComponents()) {
        inRecord.add(wireName(c));
      }
      Set<String> inSchema = new TreeSet<>();
      schema.path("properties").fieldNames().forEachRemaining(inSchema::add);
      for (String name : inRecord) {
        if (!inSchema.contains(name)) {
          out.add(path + "." + name + " is in the record but not in the schema");
        }
      }
      for (String name : inSchema) {
        if (!inRecord.contains(name)) {
          out.add(path + "." + name + " is in the schema but not in the record");
        }
      }
      if (!schema.path("additionalProperties").isBoolean()
          || schema.path("additionalProperties").asBoolean()) {
        out.add(path + " must forbid unknown properties");
      }
      for (RecordComponent c : raw.getRecordComponents()) {
        JsonNode prop = schema.path("properties").path(wireName(c));
        if (!prop.isMissingNode()) {
          compare(c.getGenericType(), prop, root, path + "." + wireName(c), out);
        }
      }
    } else if (List.class.isAssignableFrom(raw)) {
      Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
      if (!schema.has("items")) {
        out.add(path + " is a list in the record but has no items in the schema");
      } else {
        compare(element, schema.get("items"), root, path + "[]", out);
      }
    } else if (Map.class.isAssignableFrom(raw)) {
      if (!"object".equals(schema.path("type").asText())) {
        out.add(path + " is a map in the record but not an object in the schema");
      }
    } else if (raw == Integer.class || raw == Long.class || raw == int.class || raw == long.class) {
      if (!"integer".equals(schema.path("type").asText())) {
        out.add(path + " is a number in the record but not an integer in the schema");
      }
    }
  }

  /** The component's JSON name: its {@code @JsonProperty} if it has one ({@code protected}). */
  private static String wireName(RecordComponent c) {
    com.fasterxml.jackson.annotation.JsonProperty p =
        c.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
    return p == null || p.value().isEmpty() ? c.getName() : p.value();
  }

  private static JsonNode resolve(JsonNode schema, JsonNode root) {
    if (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      assertThat(ref).startsWith("#/");
      JsonNode target = root;
      for (String part : ref.substring(2).split("/")) {
        target = target.path(part);
      }
      return target;
    }
    return schema;
  }

  static Stream<Path> examples() throws IOException {
    return Files.list(Path.of("config/examples"))
        .filter(p -> p.toString().endsWith(".yaml"))
        .sorted();
  }

  @Test
  void examples_coverEveryKind_validateAndRoundTripThroughTheRecords() throws IOException {
    Set<String> kinds = new TreeSet<>();
    List<Path> files = examples().toList();
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      for (JsonNode doc : ManifestParser.parseDocuments(Files.readString(file))) {
        Kind kind = Kind.parse(doc.path("kind").asText()).orElseThrow();
        kinds.add(kind.name());
        assertThat(SCHEMAS.validate(kind, doc))
            .as(file + " " + doc.path("metadata").path("name"))
            .isEmpty();
        Object record = Json.MAPPER.treeToValue(doc, record(kind));
        JsonNode back = Json.MAPPER.valueToTree(record);
        assertThat(back).as("round trip of " + file).isEqualTo(normalised(doc));
      }
    }
    // Backup and Restore are actions on a running system (a backup of a pod, a restore of a
    // completed backup), not state an install starts from; docs/API.md shows them
    assertThat(kinds)
        .containsExactlyInAnyOrder("Tenant", "IpPool", "CloudPod", "PodSet", "BackupPolicy");
  }

  /** YAML numbers may parse as other node types than Jackson writes; compare through text. */
  private static JsonNode normalised(JsonNode doc) throws IOException {
    return Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(doc));
  }

  @Test
  void schemas_rejectUnknownFieldsAtEveryLevel() {
    for (Kind kind : Kind.values()) {
      ObjectNode doc = Json.MAPPER.createObjectNode();
      doc.put("apiVersion", ApiVersion.V1ALPHA1).put("kind", kind.name()).put("surprise", 1);
      doc.putObject("metadata").put("name", "x").put("surprise", 1);
      doc.putObject("spec").put("surprise", 1);
      Set<String> fields = new TreeSet<>();
      SCHEMAS.validate(kind, doc).forEach(e -> fields.add(e.field()));
      assertThat(fields).as(kind.name()).contains("surprise", "metadata.surprise", "spec.surprise");
    }
  }

  @Test
  void fullyPopulatedRecords_validateAgainstTheirSchema() {
    CloudPod pod =
        new CloudPod(
            ApiVersion.V1ALPHA1,
            "CloudPod",
            new ObjectMeta(
                "web-1",
                "acme",
                Map.of("app", "web"),
                "0000",
                2L,
                "7",
                java.time.Instant.now(),
                null,
                new OwnerReference("PodSet", "web", "1111")),
            new CloudPodSpec(
                2,
                2048,
                512,
                8,
                9000,
                "clients-main",
                "default",
                "10.1.10.91",
                9101,
                "pve",
                "Running",
                "full",
                false),
            new CloudPodStatus(
                "Running",
                9101,
                "pve",
                "10.1.10.91",
                2L,
                List.of(
                    new Condition("Ready", "True", "Running", "ok", java.time.Instant.now(), 2L)),
                "UPID:pve:1",
                java.time.Instant.now(),
                1,
                "fine"));
    assertThat(SCHEMAS.validate(Kind.CloudPod, Json.MAPPER.valueToTree(pod))).isEmpty();
  }

  /**
   * The CloudPod spec and the PodSet template spec with one field set, as the API validates them.
   */
  private static Map<String, List<String>> fieldErrors(String field, String value) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    ObjectNode pod = Json.MAPPER.createObjectNode();
    pod.put("apiVersion", ApiVersion.V1ALPHA1).put("kind", "CloudPod");
    pod.putObject("metadata").put("name", "p").put("tenant", "acme");
    pod.putObject("spec").put(field, value);
    out.put(
        "CloudPod",
        SCHEMAS.validate(Kind.CloudPod, pod).stream().map(SchemaAgreementTest::text).toList());
    ObjectNode set = Json.MAPPER.createObjectNode();
    set.put("apiVersion", ApiVersion.V1ALPHA1).put("kind", "PodSet");
    set.putObject("metadata").put("name", "s").put("tenant", "acme");
    ObjectNode spec = set.putObject("spec");
    spec.put("replicas", 1);
    spec.putObject("template").putObject("spec").put(field, value);
    out.put(
        "PodSet",
        SCHEMAS.validate(Kind.PodSet, set).stream().map(SchemaAgreementTest::text).toList());
    return out;
  }

  private static String text(FieldError e) {
    return e.field() + ": " + e.message();
  }

  /**
   * Every storage id and node name Proxmox accepts is accepted, and what it refuses is refused:
   * pve-storage-id is pve-common's parse_id ({@code m/^[a-z][a-z0-9\-\_\.]*[a-z0-9]$/i}, at least
   * two characters), pve-node is {@code m/^([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)$/}; neither
   * has a length limit. The row is field, value, accepted. (No field names a Proxmox pool: {@code
   * ipPool} is an IpPool of this API.)
   */
  @ParameterizedTest
  @CsvSource({
    "storage, local, true",
    "storage, local-zfs, true",
    "storage, Local-ZFS, true",
    "storage, CEPH_Pool.1, true",
    "storage, ab, true",
    "storage, s0123456789012345678901234567890123456789012345678901234567890123456789, true",
    "storage, a, false",
    "storage, 1local, false",
    "storage, _local, false",
    "storage, local-, false",
    "storage, local., false",
    "storage, lo cal, false",
    "storage, lo:cal, false",
    "node, pve, true",
    "node, PVE-01, true",
    "node, Node7, true",
    "node, 1, true",
    "node, n012345678901234567890123456789012345678901234567890123456789012345, true",
    "node, -pve, false",
    "node, pve-, false",
    "node, pve_1, false",
    "node, pve.example.com, false",
  })
  void proxmoxNames_acceptedExactlyWhenProxmoxAcceptsThem(
      String field, String value, boolean accepted) {
    fieldErrors(field, value)
        .forEach(
            (kind, errors) -> {
              List<String> about = errors.stream().filter(e -> e.contains(field + ":")).toList();
              if (accepted) {
                assertThat(about).as(kind + " " + field + "=" + value).isEmpty();
              } else {
                assertThat(about).as(kind + " " + field + "=" + value).isNotEmpty();
              }
            });
  }
}
