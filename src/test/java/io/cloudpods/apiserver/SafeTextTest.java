package io.cloudpods.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudpods.store.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeTextTest {

  @ParameterizedTest
  @ValueSource(strings = {"clients-main", "vmbr0", "10.1.10.0/24", "Tenant 123", ""})
  void problem_ordinaryText_isNull(String s) {
    assertThat(SafeText.problem(s)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\nb", "a\rb", "a,b", "a=b", "a\u0000b", "a\tb", "a\u007fb"})
  void problem_textThatCouldAddConfigKeys_isReported(String s) {
    assertThat(SafeText.problem(s)).isNotNull();
  }

  @Test
  void check_namesEveryUnsafeFieldIncludingKeysAndArrayItems() throws Exception {
    var node =
        Json.MAPPER.readTree(
            "{\"storage\":\"x,size=1\",\"list\":[\"ok\",\"b\\nc\"],\"k=v\":\"fine\"}");
    assertThat(SafeText.check(node, "spec"))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("spec.storage", "spec.list[1]", "spec.k=v");
  }
}
