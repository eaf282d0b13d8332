package io.cloudpods.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON and YAML as Jackson trees, read and written with the streaming API only: no {@code
 * ObjectMapper}, whose set-up (serializer factories, type introspection) would be most of the CLI's
 * start-up time. The YAML factory lives in a holder class, so SnakeYAML is loaded only when YAML is
 * actually read or written.
 */
final class Json {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A duplicate key is an error, not a silent override. */
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private Json() {}

  /** One JSON value; {@code what} names the source in the error message. */
  static JsonNode parse(String text, String what) {
    try {
      return readJson(text);
    } catch (JsonProcessingException e) {
      throw CliException.failure("cannot read " + what + ": " + e.getOriginalMessage());
    }
  }

  static JsonNode readJson(String text) throws JsonProcessingException {
    try (JsonParser p = JSON.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new JsonParseException(p, "no JSON value");
      }
      JsonNode n = value(p, t);
      if (p.nextToken() != null) {
        throw new JsonParseException(p, "unexpected content after the JSON value");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The documents of a multi-document YAML text, empty documents skipped. */
  static List<JsonNode> readYamlDocuments(String text) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (JsonParser p = Yaml.FACTORY.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        JsonNode n = value(p, t);
        // an empty document reads as null or as an empty scalar
        if (!n.isNull() && !(n.isTextual() && n.textValue().isEmpty())) {
          docs.add(n);
        }
      }
    }
    return docs;
  }

  private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          o.set(name, value(p, p.nextToken()));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        JsonToken n;
        while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
          a.add(value(p, n));
        }
        return a;
      }
      case VALUE_STRING -> {
        return NODES.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (p.getNumberType()) {
          case INT -> NODES.numberNode(p.getIntValue());
          case LONG -> NODES.numberNode(p.getLongValue());
          default -> NODES.numberNode(p.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(p.getDecimalValue());
      }
      case VALUE_TRUE -> {
        return NODES.booleanNode(true);
      }
      case VALUE_FALSE -> {
        return NODES.booleanNode(false);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default -> {
        Object o = p.getEmbeddedObject();
        return o == null ? NODES.nullNode() : NODES.textNode(String.valueOf(o));
      }
    }
  }

  /** Indented JSON like kubectl's ({@code "key": value}). */
  static String pretty(JsonNode node) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      DefaultPrettyPrinter pp =
          new DefaultPrettyPrinter(
              Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
      pp.indentArraysWith(new DefaultIndenter("  ", "\n"));
      pp.indentObjectsWith(new DefaultIndenter("  ", "\n"));
      g.setPrettyPrinter(pp);
      write(g, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** One line of JSON. */
  static String compact(JsonNode node) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      write(g, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /**
   * kubectl-like YAML: no leading {@code ---}, quotes only where a string would read as something
   * else.
   */
  static String yaml(JsonNode node) {
    return writeYaml(node, Yaml.OUTPUT);
  }

  /** A YAML document starting with {@code ---}, every string quoted: the apply request body. */
  static String yamlDocument(JsonNode node) {
    return writeYaml(node, Yaml.FACTORY);
  }

  private static String writeYaml(JsonNode node, YAMLFactory f) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = f.createGenerator(w)) {
      write(g, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static void write(JsonGenerator g, JsonNode n) throws IOException {
    if (n.isObject()) {
      g.writeStartObject();
      Iterator<Map.Entry<String, JsonNode>> it = n.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        g.writeFieldName(e.getKey());
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (n.isArray()) {
      g.writeStartArray();
      for (JsonNode x : n) {
        write(g, x);
      }
      g.writeEndArray();
    } else if (n.isTextual()) {
      g.writeString(n.textValue());
    } else if (n.isBoolean()) {
      g.writeBoolean(n.booleanValue());
    } else if (n.isIntegralNumber()) {
      g.writeNumber(n.bigIntegerValue());
    } else if (n.isNumber()) {
      g.writeNumber(n.decimalValue());
    } else if (n.isNull() || n.isMissingNode()) {
      g.writeNull();
    } else {
      g.writeString(n.asText());
    }
  }

  /** Holder class: loaded (and SnakeYAML with it) only when YAML is read or written. */
  static final class Yaml {
    static final YAMLFactory FACTORY =
        YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    static final YAMLFactory OUTPUT =
        YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();

    private Yaml() {}
  }
}
