package io.cloudpods.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  private static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T2 = Instant.parse("2026-01-01T00:05:00Z");

  @Test
  void set_sameStatusNewReason_keepsTransitionTime() {
    List<Condition> c = Conditions.set(List.of(), "Ready", "False", "Creating", "cloning", 1, T1);
    c = Conditions.set(c, "Ready", "False", "WaitingForTask", "vzclone running", 1, T2);

    assertThat(c)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.reason()).isEqualTo("WaitingForTask");
              assertThat(x.lastTransitionTime()).isEqualTo(T1);
            });
  }

  @Test
  void set_statusFlips_movesTransitionTime() {
    List<Condition> c = Conditions.set(List.of(), "Ready", "False", "Creating", "", 1, T1);
    c = Conditions.set(c, "Ready", "True", "Converged", "", 2, T2);

    assertThat(c.get(0).lastTransitionTime()).isEqualTo(T2);
    assertThat(c.get(0).observedGeneration()).isEqualTo(2);
  }

  @Test
  void set_otherType_isAddedWithoutTouchingExisting() {
    List<Condition> c = Conditions.set(List.of(), "Ready", "True", "Converged", "", 1, T1);
    c = Conditions.set(c, "Provisioned", "True", "Converged", "", 1, T2);

    assertThat(c).extracting(Condition::type).containsExactly("Ready", "Provisioned");
    assertThat(Conditions.isTrue(c, "Ready")).isTrue();
    assertThat(Conditions.hasReason(c, "Provisioned", "Converged")).isTrue();
  }
}
