package io.cloudpods.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ManifestParserTest {

  @Test
  void parseDocuments_multiDocumentYaml_returnsEachNonEmptyDocument() {
    var docs = ManifestParser.parseDocuments("---\nkind: A\n---\n# only a comment\n---\nkind: B\n");
    assertThat(docs).extracting(d -> d.get("kind").asText()).containsExactly("A", "B");
  }

  @Test
  void parseDocuments_jsonArray_returnsEachElement() {
    assertThat(ManifestParser.parseDocuments("[{\"kind\":\"A\"},{\"kind\":\"B\"}]")).hasSize(2);
  }

  @Test
  void parseDocuments_singleJsonObject_returnsIt() {
    assertThat(ManifestParser.parseDocuments("  {\"kind\":\"A\"}")).hasSize(1);
  }

  @Test
  void parseDocuments_malformedYaml_is400NamingTheLine() {
    assertThatThrownBy(() -> ManifestParser.parseDocuments("kind: A\nspec: [1, 2\n"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage()).contains("line");
            });
  }

  @Test
  void parseDocuments_duplicateKeys_areRefused() {
    assertThatThrownBy(() -> ManifestParser.parseDocuments("kind: A\nkind: B\n"))
        .isInstanceOf(ApiException.class);
    assertThatThrownBy(() -> ManifestParser.parseDocuments("{\"kind\":\"A\",\"kind\":\"B\"}"))
        .isInstanceOf(ApiException.class);
  }

  @Test
  void parseDocuments_emptyBody_isRefused() {
    assertThatThrownBy(() -> ManifestParser.parseDocuments("   ")).isInstanceOf(ApiException.class);
  }
}
