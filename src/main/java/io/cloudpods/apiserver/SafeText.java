package io.cloudpods.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Rejects text that could smuggle extra keys into a Proxmox config string ({@code key=value,...}
 * lines): line breaks and other control characters, commas and equals signs. The schemas already
 * forbid these per field; this is a second, schema-independent guard over every string.
 */
public final class SafeText {
  private SafeText() {}

  /** Why {@code s} is unsafe, or null if it is safe. */
  public static String problem(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r') {
        return "must not contain line breaks";
      }
      if (c < 0x20 || c == 0x7f) {
        return "must not contain control characters";
      }
      if (c == ',' || c == '=') {
        return "must not contain '" + c + "'";
      }
    }
    return null;
  }

  /** Every unsafe string (and object key) below {@code node}, with its field path. */
  public static List<FieldError> check(JsonNode node, String path) {
    List<FieldError> out = new ArrayList<>();
    walk(node, path, out);
    return out;
  }

  private static void walk(JsonNode node, String path, List<FieldError> out) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      String p = problem(node.asText());
      if (p != null) {
        out.add(new FieldError(path, p));
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = problem(e.getKey());
        String child = path + "." + e.getKey();
        if (p != null) {
          out.add(new FieldError(child, "key " + p));
        }
        walk(e.getValue(), child, out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + "[" + i + "]", out);
      }
    }
  }
}
