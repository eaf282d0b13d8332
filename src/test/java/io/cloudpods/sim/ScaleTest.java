package io.cloudpods.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScaleTest {

  @Test
  void tenThousandGuests_clusterResourcesListsThemAll_andSingleLookupsStillAnswer() {
    try (ProxmoxSimulator sim = SimTestSupport.start()) {
      sim.addStoppedContainers("pve", 10_000, 10_000);
      SimClient c = new SimClient(sim);
      c.get("/cluster/resources"); // warm-up
      long t0 = System.nanoTime();
      SimClient.Reply r = c.get("/cluster/resources?type=vm");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.data()).hasSize(10_005);
      System.out.println(
          "GET /cluster/resources?type=vm with 10,005 guests: "
              + ms
              + " ms, "
              + r.body().length()
              + " bytes");
      // a single config read among 10k guests; the timing is printed, not asserted (bench measures
      // speed)
      long t1 = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        assertThat(c.get("/nodes/pve/lxc/15000/config").code()).isEqualTo(200);
      }
      System.out.println(
          "100 x GET /nodes/pve/lxc/15000/config among 10,005 guests: "
              + (System.nanoTime() - t1) / 1_000_000
              + " ms");
      assertThat(c.get("/cluster/nextid").data().asText()).isEqualTo("100");
    }
  }
}
