package io.cloudpods.cloudpod.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConcurrencyGateTest {

  private final List<String> woken = new ArrayList<>();
  private final ConcurrencyGate<String> gate =
      new ConcurrencyGate<>(slot -> slot.startsWith("clone-source:") ? 1 : 2, woken::add);

  private static final String TEMPLATE = ConcurrencyGate.cloneSource("pve", 9000);
  private static final String STORAGE = ConcurrencyGate.storage("pve", "clients-main");

  @Test
  void tryAcquire_secondCloneOfSameSource_waitsUntilFirstReleases() {
    assertThat(gate.tryAcquire("a", List.of(TEMPLATE))).isTrue();
    assertThat(gate.tryAcquire("b", List.of(TEMPLATE))).isFalse();
    assertThat(gate.tryAcquire("c", List.of(TEMPLATE))).isFalse();
    assertThat(gate.waiting(TEMPLATE)).isEqualTo(2);

    gate.release("a");

    assertThat(woken)
        .as("only as many waiters as capacity freed, in arrival order")
        .containsExactly("b");
    assertThat(gate.tryAcquire("b", List.of(TEMPLATE))).isTrue();
    assertThat(gate.waiting(TEMPLATE)).isEqualTo(1);
  }

  @Test
  void tryAcquire_isAllOrNothing() {
    assertThat(gate.tryAcquire("a", List.of(STORAGE))).isTrue();
    assertThat(gate.tryAcquire("b", List.of(STORAGE))).isTrue();

    assertThat(gate.tryAcquire("c", List.of(TEMPLATE, STORAGE))).isFalse();

    assertThat(gate.inUse(TEMPLATE)).as("nothing taken when one slot is full").isZero();
    assertThat(gate.inUse(STORAGE)).isEqualTo(2);
  }

  @Test
  void tryAcquire_againBySameOwner_replacesWhatItHeld() {
    gate.tryAcquire("a", List.of(TEMPLATE, STORAGE));
    gate.tryAcquire("a", List.of(STORAGE));

    assertThat(gate.inUse(TEMPLATE)).isZero();
    assertThat(gate.inUse(STORAGE)).isEqualTo(1);
  }

  @Test
  void hold_afterRestart_countsRunningTaskEvenOverLimit() {
    gate.tryAcquire("a", List.of(TEMPLATE));
    gate.hold("recovered", List.of(TEMPLATE));

    assertThat(gate.inUse(TEMPLATE)).isEqualTo(2);
    gate.release("a");
    assertThat(gate.tryAcquire("b", List.of(TEMPLATE))).as("still one over the limit").isFalse();
    gate.release("recovered");
    assertThat(gate.tryAcquire("b", List.of(TEMPLATE))).isTrue();
  }

  @Test
  void forget_removesOwnerFromWaitersAndFreesItsSlots() {
    gate.tryAcquire("a", List.of(TEMPLATE));
    gate.tryAcquire("b", List.of(TEMPLATE));

    gate.forget("b");
    gate.release("a");

    assertThat(woken).isEmpty();
    assertThat(gate.inUse(TEMPLATE)).isZero();
  }

  @Test
  void mustWait_takesNothing_andWakesTheOwnerWhenTheSlotFrees() {
    gate.tryAcquire("a", List.of(TEMPLATE, STORAGE));

    assertThat(gate.mustWait("b", List.of(TEMPLATE, STORAGE))).isTrue();
    assertThat(gate.inUse(STORAGE)).as("nothing taken").isEqualTo(1);
    assertThat(gate.waiting(TEMPLATE)).isEqualTo(1);

    gate.release("a");
    assertThat(woken).containsExactly("b");
    assertThat(gate.mustWait("b", List.of(TEMPLATE, STORAGE))).isFalse();
  }

  @Test
  void acquireAndWaitsFor_nameTheFullSlots() {
    String node = ConcurrencyGate.node("pve");
    assertThat(gate.acquire("a", List.of(TEMPLATE, STORAGE, node))).isEmpty();
    gate.tryAcquire("b", List.of(STORAGE));

    assertThat(gate.acquire("c", List.of(TEMPLATE, STORAGE, node)))
        .containsExactly(TEMPLATE, STORAGE);
    assertThat(gate.holds("c")).isFalse();
    assertThat(gate.waitsFor("d", List.of(STORAGE, node))).containsExactly(STORAGE);
    assertThat(gate.waitsFor("d", List.of(node))).isEmpty();
    assertThat(ConcurrencyGate.isCloneSource(TEMPLATE)).isTrue();
    assertThat(ConcurrencyGate.isCloneSource(STORAGE)).isFalse();
  }

  @Test
  void slotWait_cloneSlotFull_isWaitingForCloneSlot_otherwiseWaitingForCapacity() {
    assertThat(SlotWait.on(List.of(TEMPLATE, STORAGE)))
        .isEqualTo(
            new SlotWait(
                "WaitingForCloneSlot",
                "waiting for the clone slot of template 9000 on pve: another clone of it is"
                    + " running (clone-source:pve/9000); also full: storage:pve/clients-main"));
    assertThat(SlotWait.on(List.of(STORAGE)))
        .isEqualTo(
            new SlotWait(
                "WaitingForCapacity", "waiting for a free slot: storage:pve/clients-main"));
  }
}
