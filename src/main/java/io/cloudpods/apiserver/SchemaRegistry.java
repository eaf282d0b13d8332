package io.cloudpods.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.cloudpods.api.v1alpha1.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON Schemas of {@code crd-like-schemas/}, loaded from the classpath: every write is
 * validated against them before anything else looks at it. Plain Java (no CDI) so that unit tests
 * use it directly.
 */
public final class SchemaRegistry {
  private final Map<Kind, JsonSchema> schemas = new EnumMap<>(Kind.class);

  public SchemaRegistry() {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    for (Kind kind : Kind.values()) {
      try (InputStream in =
          SchemaRegistry.class.getClassLoader().getResourceAsStream(kind.schemaResource())) {
        if (in == null) {
          throw new IllegalStateException(
              "schema missing from the classpath: " + kind.schemaResource());
        }
        schemas.put(kind, factory.getSchema(in, config));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Violations of the kind's schema, each naming its field ({@code spec.cores}); empty if valid.
   */
  public List<FieldError> validate(Kind kind, JsonNode document) {
    Set<ValidationMessage> messages = schemas.get(kind).validate(document);
    return messages.stream()
        .map(SchemaRegistry::toFieldError)
        .distinct()
        .sorted(Comparator.comparing(FieldError::field))
        .toList();
  }

  /** {@code /spec/nameservers/0} or {@code $.spec.nameservers[0]} → {@code spec.nameservers[0]}. */
  static String fieldPath(String location) {
    if (location.startsWith("$")) {
      return location.replaceFirst("^\\$\\.?", "");
    }
    StringBuilder out = new StringBuilder();
    for (String seg : location.split("/")) {
      if (seg.isEmpty()) {
        continue;
      }
      seg = seg.replace("~1", "/").replace("~0", "~");
      if (seg.chars().allMatch(Character::isDigit)) {
        out.append('[').append(seg).append(']');
      } else {
        out.append(out.length() == 0 ? "" : ".").append(seg);
      }
    }
    return out.toString();
  }

  private static FieldError toFieldError(ValidationMessage m) {
    String field = fieldPath(m.getInstanceLocation().toString());
    String type = m.getType();
    String property = m.getProperty();
    if (property != null && ("required".equals(type) || "additionalProperties".equals(type))) {
      field = field.isEmpty() ? property : field + "." + property;
    }
    String text = m.getMessage();
    // the library prefixes its messages with the JSON path; keep only the explanation
    int colon = text.indexOf(": ");
    if (text.startsWith("$") && colon > 0) {
      text = text.substring(colon + 2);
    }
    if ("additionalProperties".equals(type)) {
      text = "unknown field";
    } else if ("required".equals(type)) {
      text = "required";
    }
    return new FieldError(field, text);
  }
}
