package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudpods.proxmox.ConfigUpdate;
import io.cloudpods.proxmox.FencedException;
import io.cloudpods.proxmox.MutationFence;
import io.cloudpods.proxmox.http.HttpProxmoxClient;
import io.cloudpods.proxmox.http.ProxmoxClientSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fenced client asks its fence before every change and names the lease it acts under; the
 * simulator journals that name with the change. A refused permit, or one that ran out between the
 * permit and the write (a paused process), sends nothing.
 */
class LeaseHeaderJournalTest {
  private static ProxmoxSimulator sim;
  private static HttpProxmoxClient plain;

  @BeforeAll
  static void start() {
    sim = SimTestSupport.start();
    plain =
        new HttpProxmoxClient(
            ProxmoxClientSettings.of(
                sim.baseUrl(), SimTestSupport.TOKEN_ID, SimTestSupport.SECRET));
  }

  @AfterAll
  static void stop() {
    plain.close();
    sim.close();
  }

  /** A fence giving permits valid for {@code validFor}, counting the permits it gave. */
  static final class CountingFence implements MutationFence {
    final AtomicInteger permits = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    final Duration validFor;
    final boolean refuse;

    CountingFence(Duration validFor, boolean refuse) {
      this.validFor = validFor;
      this.refuse = refuse;
    }

    @Override
    public Permit permit(String what) {
      if (refuse) {
        throw new FencedException(what + " not made: no lease");
      }
      permits.incrementAndGet();
      return new Permit(
          "default/7/r1", Duration.ofSeconds(3), System.nanoTime() + validFor.toNanos());
    }

    @Override
    public boolean stillValid(Permit p) {
      return System.nanoTime() < p.validUntilNanos();
    }

    @Override
    public void done(Permit p) {
      done.incrementAndGet();
    }
  }

  private static ConfigUpdate description(String text) {
    return ConfigUpdate.set(Map.of("description", text));
  }

  @Test
  void aPermittedChange_isJournaledWithTheLeaseItWasMadeUnder() {
    CountingFence fence = new CountingFence(Duration.ofSeconds(5), false);
    int before = sim.mutations().size();

    plain.fencedBy(fence).updateConfig("pve", 9000, description("fenced"));

    assertThat(sim.mutations()).hasSize(before + 1);
    Mutation m = sim.mutations().get(before);
    assertThat(m.type()).isEqualTo("config");
    assertThat(m.lease()).isEqualTo("default/7/r1");
    assertThat(fence.permits).hasValue(1);
    assertThat(fence.done).hasValue(1);
  }

  @Test
  void reads_askNoPermit() {
    CountingFence fence = new CountingFence(Duration.ofSeconds(5), true);

    assertThat(plain.withFence(fence).getConfig("pve", 9000).template()).isTrue();
  }

  @Test
  void aRefusedPermit_sendsNothing() {
    CountingFence fence = new CountingFence(Duration.ofSeconds(5), true);
    int before = sim.mutations().size();

    assertThatThrownBy(
            () -> plain.withFence(fence).updateConfig("pve", 9000, description("refused")))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("no lease");

    assertThat(sim.mutations()).hasSize(before);
  }

  @Test
  void aPermitThatRanOutBeforeTheWrite_sendsNothing() {
    CountingFence fence = new CountingFence(Duration.ZERO, false);
    int before = sim.mutations().size();

    assertThatThrownBy(
            () -> plain.withFence(fence).updateConfig("pve", 9000, description("too late")))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("not sent");

    assertThat(sim.mutations()).hasSize(before);
    assertThat(fence.done).hasValue(1);
  }

  @Test
  void anUnfencedChange_isJournaledWithoutALease() {
    int before = sim.mutations().size();

    plain.updateConfig("pve", 9000, description("plain"));

    assertThat(sim.mutations().get(before).lease()).isNull();
  }
}
