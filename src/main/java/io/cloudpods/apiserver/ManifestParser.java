package io.cloudpods.apiserver;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads request bodies: a JSON object, a JSON array of objects, or multi-document YAML. Duplicate
 * keys are rejected (a later key must not silently override an earlier one).
 */
public final class ManifestParser {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final YAMLMapper YAML =
      YAMLMapper.builder(new YAMLFactory())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private ManifestParser() {}

  /** The documents of an apply body, in order; empty YAML documents are skipped. */
  public static List<JsonNode> parseDocuments(String body) {
    String trimmed = body.stripLeading();
    if (trimmed.isEmpty()) {
      throw ApiException.badRequest("body", "the request body is empty");
    }
    List<JsonNode> docs = new ArrayList<>();
    if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
      JsonNode node = parseJson(body);
      if (node.isArray()) {
        node.forEach(docs::add);
      } else {
        docs.add(node);
      }
      return docs;
    }
    try (JsonParser parser = YAML.getFactory().createParser(body);
        MappingIterator<JsonNode> it = YAML.readValues(parser, JsonNode.class)) {
      while (it.hasNextValue()) {
        JsonNode doc = it.nextValue();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          "body", "malformed YAML: " + e.getOriginalMessage() + location(e));
    } catch (IOException | RuntimeException e) {
      throw ApiException.badRequest("body", "malformed YAML: " + e.getMessage());
    }
    return docs;
  }

  /** One JSON value. */
  public static JsonNode parseJson(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw ApiException.badRequest("body", "the request body is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          "body", "malformed JSON: " + e.getOriginalMessage() + location(e));
    }
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }
}
